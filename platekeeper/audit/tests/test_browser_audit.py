"""A whole audit in a real browser: open it, review the sample, sign off."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from platekeeper.audit import audits
from platekeeper.audit.models import Audit
from platekeeper.browser import chromium, sign_in
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code


@pytest.mark.browser
class AuditJourneyTestCase(LiveTestCase):
    def test_it_runs_a_whole_audit(self) -> None:
        self.make_read("7ABC123")
        with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
            browser = self.login(self.dave)
            for n in range(3):
                browser.post(
                    "/search/",
                    {
                        "plate": "7ABC123",
                        "purpose": "stolen_vehicle",
                        "case_number": f"HPD-{n}",
                    },
                )
        audit = audits.open_search_audit(
            self.hawthorne, self.policy.parsed, timezone.now(), rng=random.Random(2)
        )
        assert audit is not None
        items = (
            audit.items.count()
        )  # here: inside the browser block is another connection
        with LiveServer() as server, chromium() as chrome:
            page = chrome.new_page()
            sign_in(page, server.url, "uma", PASSWORD, lambda: totp_code(self.uma))
            page.goto(server.url + "/audit/audits/")
            page.get_by_role("link", name="Open").click()
            for _ in range(items):
                page.get_by_role("button", name="Justified").first.click()
                page.wait_for_load_state()
            self.assertIn("0 of 3 items left", page.content())
            page.get_by_label("Findings").fill(
                "All three searches had a case and a purpose."
            )
            page.get_by_role("button", name="Sign off this audit").click()
            page.wait_for_selector("text=Findings")
            self.assertIn("signed off", page.content())
        audit.refresh_from_db()
        self.assertTrue(audit.closed)
        self.assertEqual(Audit.objects.get().items.filter(justified=True).count(), 3)
