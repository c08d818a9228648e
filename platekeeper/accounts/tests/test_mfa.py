"""The second factor (R9): no data on a password alone; a code works once."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase, totp_code


class SecondFactorTestCase(BaseTestCase):
    @pytest.mark.requirement("R9")
    def test_it_shows_nothing_to_a_password_only_session(self) -> None:
        self.make_read("7ABC123")
        browser = self.password_step("dave")
        response = browser.get("/search/")
        self.assertRedirects(
            response, "/login/code/?next=/search/", fetch_redirect_response=False
        )
        response = browser.post(
            "/search/",
            {"plate": "7ABC123", "purpose": "stolen_vehicle", "case_number": "X-1"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.access_records(action=Action.SEARCH), [])

    def test_it_lets_a_verified_session_in(self) -> None:
        browser = self.password_step("dave")
        response = browser.post(
            "/login/code/?next=/search/", {"code": totp_code(self.dave)}
        )
        self.assertRedirects(response, "/search/", fetch_redirect_response=False)
        self.assertContains(browser.get("/search/"), "Plate search")

    @pytest.mark.requirement("R9")
    def test_it_refuses_a_replayed_code(self) -> None:
        code = totp_code(self.dave)
        first = self.password_step("dave")
        self.assertEqual(first.post("/login/code/", {"code": code}).status_code, 302)
        second = self.password_step("dave")
        response = second.post("/login/code/", {"code": code})
        self.assertContains(response, "already used", status_code=400)
        self.assertEqual(second.get("/search/").status_code, 302)
        refused = AccessRecord.objects.get(action=Action.MFA_FAILED)
        self.assertEqual(
            (refused.actor_username, refused.reason),
            ("dave", "wrong or already used code"),
        )

    def test_it_refuses_a_wrong_code_and_records_it(self) -> None:
        browser = self.password_step("dave")
        good = totp_code(self.dave)
        wrong = f"{(int(good) + 1) % 1_000_000:06d}"
        response = browser.post("/login/code/", {"code": wrong})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(AccessRecord.objects.filter(action=Action.MFA_FAILED).exists())

    @pytest.mark.requirement("R9")
    def test_it_enrolls_an_authenticator_at_first_sign_in(self) -> None:
        TOTPDevice.objects.filter(user=self.dave).delete()
        browser = self.password_step("dave")
        response = browser.get("/search/")
        self.assertRedirects(
            response, "/login/enroll/?next=/search/", fetch_redirect_response=False
        )
        page = browser.get("/login/enroll/")
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.dave, confirmed=False)
        self.assertContains(page, page.context["secret"])
        code = f"{TOTP(device.bin_key).token():06d}"
        response = browser.post("/login/enroll/?next=/search/", {"code": code})
        self.assertRedirects(response, "/search/", fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(browser.get("/search/").status_code, 200)
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.MFA_ENROLLED, actor_username="dave"
            ).exists()
        )

    def test_it_sends_an_anonymous_visitor_from_the_code_pages_to_sign_in(
        self,
    ) -> None:
        for path in ("/login/code/", "/login/enroll/"):
            response = Client().get(path)
            self.assertRedirects(response, "/login/", fetch_redirect_response=False)

    def test_it_does_not_enroll_a_second_authenticator_over_the_first(self) -> None:
        browser = self.password_step("dave")
        response = browser.get("/login/enroll/")
        self.assertRedirects(
            response, "/login/code/?next=/", fetch_redirect_response=False
        )
