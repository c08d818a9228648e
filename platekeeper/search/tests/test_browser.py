"""Whole journeys in a real browser against the app as production serves it."""

from __future__ import annotations

import pytest

from platekeeper.audit.models import Action
from platekeeper.browser import chromium, sign_in
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code


@pytest.mark.browser
class SearchJourneyTestCase(LiveTestCase):
    @pytest.mark.requirement("R11")
    @pytest.mark.requirement("R13")
    def test_it_lets_a_detective_sign_in_search_and_leaves_the_record(self) -> None:
        read = self.make_read("7ABC123")
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            page.goto(server.url + "/search/")
            assert "System use notice" in page.content()
            page.get_by_role("button", name="I understand and agree").click()
            page.get_by_label("Username").fill("dave")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_label("Six-digit code").fill(self.dave_code())
            page.get_by_role("button", name="Verify").click()
            page.get_by_label("Plate", exact=True).fill("7abc 123")
            page.get_by_label("Purpose").select_option("stolen_vehicle")
            page.get_by_label("Case or CAD incident number").fill("HPD-24-0042")
            page.get_by_role("button", name="Search").click()
            page.wait_for_selector("table.reads")
            self.assertIn("Reads of 7ABC123", page.content())
            self.assertIn("Hawthorne Blvd &amp; El Segundo NB", page.content())
            page.get_by_role("link", name="Details").click()
            page.wait_for_selector("dl.detail")
        search, detail = self.access_records(actor_username="dave")
        self.assertEqual(
            (search.action, search.purpose, search.case_number),
            (Action.SEARCH, "stolen_vehicle", "HPD-24-0042"),
        )
        self.assertEqual(search.result_ids, [read.id])
        self.assertEqual(detail.action, Action.READ_DETAIL)

    def test_it_refuses_a_search_without_purpose_in_the_browser(self) -> None:
        self.make_read("7ABC123")
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            sign_in(page, server.url, "dave", PASSWORD, self.dave_code)
            page.get_by_label("Plate", exact=True).fill("7ABC123")
            page.get_by_label("Case or CAD incident number").fill("HPD-24-0042")
            # The browser's own "required" check is what a user meets first;
            # lift it to show the server refuses too.
            page.eval_on_selector("form.stack", "f => f.noValidate = true")
            page.get_by_role("button", name="Search").click()
            page.wait_for_selector("[role=alert]")
            self.assertIn("Refused and recorded", page.content())
            self.assertEqual(page.locator("table.reads").count(), 0)
        [denied] = self.access_records(actor_username="dave")
        self.assertEqual(denied.outcome, "denied")


@pytest.mark.browser
class TrainingNoticeJourneyTestCase(LiveTestCase):
    @pytest.mark.requirement("R3")
    def test_it_shows_an_untrained_user_the_training_notice_instead_of_search(
        self,
    ) -> None:
        nina = self.person("nina", self.hawthorne, "Detective", trained=False)
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            sign_in(page, server.url, "nina", PASSWORD, lambda: totp_code(nina))
            page.wait_for_selector("h1")
            self.assertIn("Training needed", page.content())
            self.assertIn("Department ALPR training", page.content())
            self.assertEqual(page.locator("form.stack").count(), 0)


@pytest.mark.browser
class LockoutJourneyTestCase(LiveTestCase):
    @pytest.mark.requirement("R7")
    def test_it_keeps_a_locked_account_out_until_it_is_released(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            for _ in range(5):
                sign_in(page, server.url, "dave", "not the password")
            sign_in(page, server.url, "dave", PASSWORD, self.dave_code)
            page.wait_for_selector("h1")
            self.assertIn("Account locked", page.content())
            call_command("account", "unlock", "dave", stdout=StringIO())
            sign_in(page, server.url, "dave", PASSWORD, self.dave_code)
            page.wait_for_selector("form.stack")
            self.assertIn("Plate search", page.content())
