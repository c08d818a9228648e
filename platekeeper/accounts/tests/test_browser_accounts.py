"""Account journeys in a real browser: first sign-in, terminals and idle sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from platekeeper.browser import chromium, sign_in
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for a typed-in base32 key."""
    import base64

    key = base64.b32decode(
        secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)
    )
    return f"{TOTP(key).token():06d}"


@pytest.mark.browser
class FirstSignInJourneyTestCase(LiveTestCase):
    @pytest.mark.requirement("R9")
    def test_it_enrolls_an_authenticator_at_first_sign_in(self) -> None:
        TOTPDevice.objects.filter(user=self.dave).delete()
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            sign_in(page, server.url, "dave", PASSWORD)
            page.wait_for_selector("#totp-secret")
            self.assertIn("Set up your authenticator", page.content())
            self.assertEqual(page.locator("figure.qr svg").count(), 1)
            secret = page.locator("#totp-secret").inner_text()
            self.assertRegex(secret, r"^[A-Z2-7 ]+$")
            page.get_by_label("Six-digit code").fill(code_from_secret(secret))
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_selector("form.stack")
            self.assertIn("Plate search", page.content())
        self.assertTrue(TOTPDevice.objects.get(user=self.dave).confirmed)


@pytest.mark.browser
class IdleTerminalJourneyTestCase(LiveTestCase):
    @pytest.mark.requirement("R8")
    def test_it_keeps_an_exempt_terminal_signed_in_while_an_idle_desk_is_not(
        self,
    ) -> None:
        with LiveServer() as server, chromium() as browser:
            car = browser.new_context().new_page()
            # Alice sets the patrol car's terminal up, then hands it over.
            sign_in(car, server.url, "alice", PASSWORD, lambda: totp_code(self.alice))
            car.goto(server.url + "/terminals/")
            car.get_by_label("Name (e.g. Unit 12 MDT)").fill("Unit 12 MDT")
            car.get_by_label("Kind").select_option("mobile_data_terminal")
            car.get_by_role("button", name="Register this browser").click()
            car.wait_for_selector("[role=status]")
            car.get_by_role("button", name="Sign out").click()
            car.wait_for_url(re.compile("/login/"))
            sign_in(car, server.url, "olivia", PASSWORD, lambda: totp_code(self.olivia))
            desk = browser.new_context().new_page()
            sign_in(
                desk, server.url, "olivia", PASSWORD, lambda: totp_code(self.olivia)
            )
            for page in (car, desk):  # the alert screen, left open and untouched
                page.goto(server.url + "/alerts/")
                page.wait_for_selector("table.alerts")
            with time_machine.travel(timezone.now() + timedelta(minutes=45), tick=True):
                # The desk's own stream notices its session is over and reloads.
                desk.wait_for_url(re.compile("/login/"), timeout=15_000)
                self.assertIn("Signed out after 30 idle minutes", desk.content())
                self.assertIn("/alerts/", car.url)
                car.reload()
                car.wait_for_selector("table.alerts")
                self.assertIn("Every alert is unverified", car.content())
