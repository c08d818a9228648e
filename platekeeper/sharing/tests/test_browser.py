"""A release in a real browser: staff enter it, the commander approves, staff
fulfil it and download the package."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.models import Action
from platekeeper.browser import chromium, sign_in
from platekeeper.sharing.models import ReleaseRequest
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code


@pytest.mark.browser
@pytest.mark.requirement("R31")
class ReleaseJourneyTestCase(LiveTestCase):
    def test_it_enters_approves_fulfils_and_downloads_a_release(self) -> None:
        # Carl keeps the records; Carla commands the Administrative Division
        carl = self.person("carl", self.hawthorne, "Custodian of Records")
        carla = self.person(
            "carla", self.hawthorne, "Administrative Division Commander"
        )
        Agency.objects.create(
            name="Los Angeles County District Attorney",
            ori="CA019013A",
            type=Agency.Type.PROSECUTOR,
            level=Agency.Level.LOCAL,
            state="CA",
        )
        self.make_read("7ABC123")
        codes = {"carl": totp_code(carl), "carla": totp_code(carla)}
        letter = Path(self.enterContext(tempfile.TemporaryDirectory())) / "request.pdf"
        letter.write_bytes(b"%PDF-1.4 the DA's written request")
        now = timezone.localtime()
        with LiveServer() as server, chromium() as browser:
            staff = browser.new_context(accept_downloads=True).new_page()
            sign_in(staff, server.url, "carl", PASSWORD, lambda: codes["carl"])
            staff.goto(server.url + "/sharing/new")
            fill = {
                "Requesting agency (ORI)": "CA019013A",
                "Requester name": "DDA Rivera",
                "Requester contact": "rivera@da.example",
                "Intended purpose": "Prosecution of the Rosecrans shooting",
                "Case number": "BA-512345",
                "Legal authority": "Penal Code 1054",
                "Plates asked for": "7ABC123",
                "Start": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                "End": now.strftime("%Y-%m-%dT%H:%M"),
            }
            for label, value in fill.items():
                staff.get_by_label(label, exact=True).fill(value)
            staff.get_by_label(
                "The written request (scan or document)"
            ).set_input_files(str(letter))
            staff.get_by_role("button", name="Enter the request").click()
            staff.wait_for_selector("text=Awaiting review")
            request_url = staff.url
            commander = browser.new_context().new_page()
            sign_in(commander, server.url, "carla", PASSWORD, lambda: codes["carla"])
            commander.goto(request_url)
            commander.get_by_role("button", name="Approve").click()
            commander.wait_for_selector("text=reviewed by carla")
            staff.reload()
            staff.get_by_role("button", name="Fulfil the request").click()
            with staff.expect_download() as download:
                staff.get_by_role("link", name="Download the package").click()
            data = Path(download.value.path()).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertIn("7ABC123", archive.read("reads.csv").decode())
        req = ReleaseRequest.objects.get()
        self.assertEqual(req.status, ReleaseRequest.Status.FULFILLED)
        [fulfilled] = self.access_records(action=Action.RELEASE_FULFILLED)
        self.assertEqual(fulfilled.actor_agency_ori, "CA019013A")
