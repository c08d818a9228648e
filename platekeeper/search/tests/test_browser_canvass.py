"""A canvass in a real browser: draw the area, run it, open a read, export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.browser import chromium, sign_in
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code

HERE: dict[str, Any] = {"latitude": 33.9165, "longitude": -118.3527}


@pytest.mark.browser
class CanvassJourneyTestCase(LiveTestCase):
    def test_it_draws_an_area_canvasses_opens_a_read_and_exports(self) -> None:
        incident = timezone.now() - timedelta(hours=1)
        read = self.make_read(
            "7ABC123", captured_at=incident - timedelta(minutes=10), **HERE
        )
        self.make_read("8DEF456", captured_at=incident + timedelta(minutes=5), **HERE)
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page(accept_downloads=True)
            sign_in(page, server.url, "dave", PASSWORD, lambda: totp_code(self.dave))
            page.goto(server.url + "/search/canvass/")
            page.get_by_label("Purpose").select_option("major_incident_canvass")
            page.get_by_label("Case or CAD incident number").fill("HPD-26-0800")
            page.get_by_label("Incident time", exact=True).fill(
                timezone.localtime(incident).strftime("%Y-%m-%dT%H:%M")
            )
            page.locator("#area-map").scroll_into_view_if_needed()
            box = page.locator("#area-map").bounding_box()
            assert box is not None
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            for dx, dy in ((-80, -80), (80, -80), (80, 80), (-80, 80)):
                page.mouse.click(cx + dx, cy + dy)
            self.assertEqual(
                page.locator("#area-corners").inner_text(), "4 corners drawn"
            )
            page.get_by_role("button", name="Canvass").click()
            page.wait_for_selector("table.canvass")
            self.assertIn("7ABC123", page.content())
            self.assertIn("8DEF456", page.content())
            with page.expect_download() as download:
                page.get_by_role("button", name="Export CSV").click()
            exported = Path(download.value.path()).read_text()
            page.locator("tr", has_text="7ABC123").get_by_role(
                "link", name="First read"
            ).click()
            page.wait_for_selector("dl.detail")
        self.assertIn("case: HPD-26-0800", exported.splitlines()[0])
        self.assertIn("7ABC123", exported)
        wanted = [Action.SEARCH, Action.EXPORT, Action.READ_DETAIL]
        canvass, export, detail = self.access_records(action__in=wanted)
        self.assertEqual([canvass.action, export.action, detail.action], wanted)
        self.assertEqual(len(canvass.criteria["incidents"][0]["area"]["polygon"]), 4)
        self.assertEqual(export.criteria["export"], "csv")
        self.assertEqual(detail.result_ids, [read.id])
