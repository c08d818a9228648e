"""A legal hold in a real browser: search, hold the result, download the package."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from platekeeper.audit.models import Action
from platekeeper.browser import chromium, sign_in
from platekeeper.reads import blobs
from platekeeper.retention import packages
from platekeeper.retention.models import Hold
from platekeeper.test import JPEG_BYTES, PASSWORD, LiveServer, LiveTestCase, totp_code


@pytest.mark.browser
@pytest.mark.requirement("R26")
class HoldJourneyTestCase(LiveTestCase):
    def test_it_holds_a_search_result_and_downloads_its_evidence_package(
        self,
    ) -> None:
        image = blobs.put(JPEG_BYTES + b"browser")
        read = self.make_read("7ABC123", plate_image=image)
        code = totp_code(self.dave)
        with LiveServer() as server, chromium() as browser:
            page = browser.new_page(accept_downloads=True)
            sign_in(page, server.url, "dave", PASSWORD, lambda: code)
            page.goto(server.url + "/search/")
            page.get_by_role("textbox", name="Plate").fill("7ABC123")
            page.locator("#id_purpose").select_option("criminal_investigation")
            page.get_by_label("Case or CAD incident number").fill("HPD-26-0612")
            page.get_by_role("button", name="Search").click()
            page.get_by_role(
                "button", name="Place a legal hold on these 1 reads"
            ).click()
            page.get_by_label("Evidence item number").fill("E-0042")
            page.get_by_label("Requester").fill("DDA Rivera")
            page.get_by_label("Reason").fill("Suspect vehicle, Rosecrans shooting")
            page.get_by_role("button", name="Place the hold").click()
            page.wait_for_selector("text=Awaiting approval")
            with page.expect_download() as download:
                page.get_by_role("button", name="Download evidence package").click()
            data = Path(download.value.path()).read_bytes()
        self.assertEqual(packages.verify(io.BytesIO(data)), [])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertIn(f"images/{image}.jpg", archive.namelist())
        hold = Hold.objects.get()
        self.assertEqual(
            (hold.case_number, hold.evidence_item), ("HPD-26-0612", "E-0042")
        )
        self.assertEqual(list(hold.reads.values_list("read_id", flat=True)), [read.id])
        wanted = [
            Action.SEARCH,
            Action.HOLD_PLACED,
            Action.HOLD_VIEWED,
            Action.EVIDENCE_PACKAGE,
        ]
        self.assertEqual(
            [r.action for r in self.access_records(action__in=wanted)], wanted
        )
