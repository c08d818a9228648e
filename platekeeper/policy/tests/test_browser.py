"""The public pages in a real browser, without signing in; a screenshot of each
is written to the data directory's screenshots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from platekeeper.browser import chromium
from platekeeper.test import LiveServer, LiveTestCase


@pytest.mark.browser
@pytest.mark.requirement("R21")
@pytest.mark.requirement("R23")
@override_settings(AGENCY_ORI="CA0194200")
class PublicPagesTestCase(LiveTestCase):
    def test_it_shows_the_policy_and_the_figures_to_anyone(self) -> None:
        self.make_read("7ABC123")
        shots = Path(settings.DATA_DIR) / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page()
            page.goto(server.url + "/policy")
            policy_text = page.locator("article.policy-text").inner_text()
            page.screenshot(path=str(shots / "policy.png"), full_page=True)
            page.get_by_role("link", name="Transparency").click()
            page.wait_for_selector("table.figures")
            figures = page.locator("table.figures").inner_text()
            page.screenshot(path=str(shots / "transparency.png"), full_page=True)
        self.assertIn("Plate reads and their images", policy_text)
        self.assertIn("Reads collected", figures)
        self.assertNotIn("7ABC123", figures)
        for name in ("policy.png", "transparency.png"):
            self.assertGreater((shots / name).stat().st_size, 10_000)
