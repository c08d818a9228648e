"""The public transparency figures equal the database's counts, and carry no plate (R23)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from platekeeper.hotlists.models import Alert
from platekeeper.reads.models import PlateRead
from platekeeper.test import BaseTestCase

WHY = {"purpose": "criminal_investigation", "case_number": "HPD-26-0900"}


@override_settings(AGENCY_ORI="CA0194200")
class TransparencyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        self.make_read("7ABC123", captured_at=now - timedelta(days=2))
        read = self.make_read("8DEF456", captured_at=now - timedelta(days=40))
        self.make_read("5GHI789", camera=self.inglewood_camera)  # another agency's
        self.make_alert(
            read,
            status=Alert.Status.CLOSED,
            disposition=Alert.Disposition.CONFIRMED,
            result=Alert.Result.VEHICLE_RECOVERED,
        )
        self.login(self.dave).post("/search/", {**WHY, "plate": "7ABC123"})
        self.client.logout()

    def figure(self, data: dict, name: str, period: str) -> int:
        [value] = [
            f["value"]
            for f in data["figures"]
            if (f["figure"], f["period"]) == (name, period)
        ]
        return int(value)

    @pytest.mark.requirement("R23")
    def test_it_counts_what_the_database_holds(self) -> None:
        data = self.client.get("/transparency.json").json()
        self.assertEqual(self.figure(data, "Cameras in use", "now"), 1)
        self.assertEqual(self.figure(data, "Reads collected", "30 days"), 1)
        self.assertEqual(self.figure(data, "Reads collected", "12 months"), 2)
        self.assertEqual(self.figure(data, "Hot-list hits (alerts)", "12 months"), 1)
        self.assertEqual(self.figure(data, "Alerts confirmed", "12 months"), 1)
        self.assertEqual(self.figure(data, "Vehicles recovered", "12 months"), 1)
        self.assertEqual(
            self.figure(data, "Searches: criminal_investigation", "30 days"), 1
        )
        self.assertEqual(data["retention_of_reads"], "1 year")

    @pytest.mark.requirement("R23")
    def test_it_shows_no_plate_in_any_public_form(self) -> None:
        pages = [
            self.client.get(u)
            for u in (
                "/transparency",
                "/transparency.json",
                "/transparency.csv",
                "/policy",
            )
        ]
        for page in pages:
            self.assertEqual(page.status_code, 200)
            for plate in ("7ABC123", "8DEF456", "5GHI789"):
                self.assertNotIn(plate, page.content.decode())

    @pytest.mark.requirement("R23")
    def test_it_reports_the_year_to_the_council_by_month_without_plates(self) -> None:
        from platekeeper.policy import council
        from platekeeper.search.tests.test_exports import pdf_text

        year = timezone.localdate().year
        rows = council.months(self.hawthorne, year)
        ours = PlateRead.objects.filter(camera__agency=self.hawthorne)
        this_year = [r for r in ours if timezone.localtime(r.captured_at).year == year]
        self.assertEqual(sum(r[0] for r in rows), len(this_year))
        self.assertEqual(sum(r[2] for r in rows), 1)  # the alert
        self.assertEqual(sum(r[8] for r in rows), 1)  # the search
        response = self.client.get(f"/transparency/report-{year}.pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn(f"ALPR use in {year}", text)
        for plate in ("7ABC123", "8DEF456", "5GHI789"):
            self.assertNotIn(plate, text)

    @pytest.mark.requirement("R23")
    def test_it_maps_the_fixed_cameras_only_when_the_policy_says_so(self) -> None:
        from platekeeper.audit.record import Actor
        from platekeeper.policy.actions import publish, save_draft

        self.assertNotContains(self.client.get("/transparency"), "camera-map")
        rules = {
            **self.policy.parsed.model_dump(mode="json"),
            "public_camera_map": True,
        }
        actor = Actor.system("tests")
        publish(save_draft(rules, actor=actor), actor=actor)
        page = self.client.get("/transparency")
        self.assertContains(page, 'id="camera-map"')
        self.assertContains(page, "Hawthorne Blvd &amp; El Segundo NB")
