"""The live alert stream against the app as uvicorn serves it."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
import time_machine
from django.utils import timezone

from platekeeper.browser import chromium, sign_in
from platekeeper.hotlists.models import Alert
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code

from .helpers import HotListWorld


def raw_stream(server: LiveServer, cookie: str, seconds: float = 1.5) -> bytes:
    """The bytes of the user's alert stream for a moment."""
    got = b""
    deadline = time.monotonic() + seconds
    timeout = httpx.Timeout(5.0, read=0.5)
    with httpx.stream(
        "GET",
        server.url + "/alerts/stream",
        cookies={"sessionid": cookie},
        timeout=timeout,
    ) as response:
        assert response.status_code == 200, response.status_code
        try:
            for chunk in response.iter_bytes():
                got += chunk
                if time.monotonic() > deadline:
                    break
        except httpx.ReadTimeout:
            pass
    return got


class AlertStreamTestCase(HotListWorld, LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_lists()

    def cookie(self, user: Any) -> str:
        return self.login(user).cookies["sessionid"].value

    def test_it_leaves_a_covert_alert_out_of_another_officers_raw_stream(self) -> None:
        self.make_covert_list()
        self.entry(self.svs, "7ABC123")
        self.post_read("6COV123")
        self.post_read("7ABC123")
        self.assertEqual(Alert.objects.count(), 2)
        with LiveServer() as server:
            officer = raw_stream(server, self.cookie(self.olivia))
            owner = raw_stream(server, self.cookie(self.dave))
        self.assertIn(b"7ABC123", officer)
        self.assertNotIn(b"6COV123", officer)
        self.assertNotIn(b"Task force", officer)
        self.assertIn(b"6COV123", owner)

    @pytest.mark.requirement("R8")
    def test_it_does_not_keep_an_idle_session_alive(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            browser = self.login(self.olivia)
        cookie = browser.cookies["sessionid"].value
        with LiveServer() as server:
            with time_machine.travel(start + timedelta(minutes=20), tick=True):
                raw_stream(server, cookie, seconds=0.5)
            with time_machine.travel(start + timedelta(minutes=35), tick=True):
                response = httpx.get(
                    server.url + "/search/", cookies={"sessionid": cookie}, timeout=5
                )
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response.headers["location"])

    def test_it_refuses_a_stream_to_a_title_without_alerts(self) -> None:
        with LiveServer() as server:
            response = httpx.get(
                server.url + "/alerts/stream",
                cookies={"sessionid": self.cookie(self.uma)},
                timeout=5,
            )
        self.assertEqual(response.status_code, 403)


@pytest.mark.browser
class AlertJourneyTestCase(HotListWorld, LiveTestCase):
    def test_it_puts_a_new_alert_on_an_open_page_and_the_officer_handles_it(
        self,
    ) -> None:
        self.make_lists()
        self.entry(self.svs, "7ABC123", vehicle="WHI TOYT CAMRY")
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            sign_in(
                page, server.url, "olivia", PASSWORD, lambda: totp_code(self.olivia)
            )
            page.goto(server.url + "/alerts/")
            page.wait_for_selector("table.alerts")
            page.wait_for_timeout(300)  # the stream connects
            posted = httpx.post(
                server.url + "/api/v1/reads",
                json={
                    "event_id": "live-1",
                    "plate": "7ABC123",
                    "confidence": 0.95,
                    "captured_at": timezone.now().isoformat(),
                    "state": "CA",
                },
                headers={"Authorization": f"Bearer {self.camera_key}"},
                timeout=5,
            )
            self.assertIn(posted.status_code, (200, 201))
            page.wait_for_selector("tr.fresh", timeout=2000)  # no reload
            self.assertIn("New alert: 7ABC123", page.locator("#new-alert").inner_text())
            page.get_by_role("link", name="Open").first.click()
            # The camera on the map, though no tile server can be reached here.
            page.wait_for_selector("#camera-map .leaflet-marker-icon")
            page.get_by_role("button", name="Claim this alert").click()
            page.get_by_label("Yes").check()
            page.get_by_label("CLETS re-check result").fill("record active, stolen")
            page.get_by_role("button", name="Record verification").click()
            page.get_by_label("Disposition").select_option("confirmed")
            page.get_by_label("Enforcement action").select_option("tow")
            page.get_by_label("Outcome").select_option("vehicle_recovered")
            page.get_by_role("button", name="Close the alert").click()
            page.wait_for_selector("text=Closed")
        alert = Alert.objects.get()
        self.assertEqual(
            (alert.status, alert.claimed_by, alert.result, alert.flagged_for_review),
            (Alert.Status.CLOSED, self.olivia, "vehicle_recovered", False),
        )


class BackgroundRebuildTestCase(HotListWorld, LiveTestCase):
    def test_it_rebuilds_in_the_background_and_matches_what_came_in_between(
        self,
    ) -> None:
        from unittest import mock

        from platekeeper.hotlists import matching
        from platekeeper.test import wait_for

        self.make_lists()
        self.post_read("1AAA111")  # the first index: no entries yet
        with mock.patch.object(matching, "BUILD_IN_BACKGROUND", -1):
            self.entry(self.svs, "7ABC123")
            self.post_read(
                "7ABC123"
            )  # matched with the old index while the new one builds
            self.assertTrue(wait_for(lambda: not matching.HOLDER.building, 10))
        self.assertTrue(
            wait_for(lambda: Alert.objects.filter(hit__plate="7ABC123").exists(), 10)
        )
