from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.reads.models import Plate
from platekeeper.search import queries
from platekeeper.test import BaseTestCase, block_audit_writes, data_access

GOOD = {
    "plate": "7abc-123",
    "purpose": "stolen_vehicle",
    "case_number": "HPD-24-0042",
    "justification": "vehicle reported stolen from 120th St",
}


class SearchTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.read = self.make_read("7ABC123")
        self.other = self.make_read("8XYZ999")
        self.last_id = AccessRecord.objects.order_by("-id").values_list(
            "id", flat=True
        )[0]

    def search(self, user: Any, **changes: str) -> Any:
        data = {**GOOD, **changes}
        return self.login(user).post(
            "/search/", {k: v for k, v in data.items() if v is not None}
        )

    def new_records(self) -> list[AccessRecord]:
        return list(
            data_access(AccessRecord.objects.filter(id__gt=self.last_id)).order_by("id")
        )

    @pytest.mark.requirement("R13")
    def test_it_shows_the_reads_of_the_plate(self) -> None:
        r = self.search(self.dave)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Hawthorne Blvd &amp; El Segundo NB")
        self.assertEqual([x.id for x in r.context["reads"]], [self.read.id])

    def test_it_lists_the_agencys_cameras_and_maps_them_from_one_read(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        browser = self.login(self.dave)
        with CaptureQueriesContext(connection) as statements:
            r = browser.post("/search/", GOOD)
        camera_lists = [
            q for q in statements if q["sql"].startswith('SELECT "reads_camera"."id"')
        ]
        self.assertEqual(len(camera_lists), 1)
        camera = self.read.camera
        self.assertIn(
            (str(camera.id), camera.name), r.context["form"].fields["cameras"].choices
        )
        self.assertIn(f'"lat": {camera.latitude}', r.context["map_cameras"])

    def test_it_shows_no_reads_for_a_known_plate_whose_reads_are_gone(self) -> None:
        # The distinct plate outlives its purged reads.
        Plate.objects.create(**Plate.fields_for("5GON000"))
        r = self.search(self.dave, plate="5GON000")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(list(r.context["reads"]), [])
        # The page's rows are fetched by id and month: no ids, no rows.
        self.assertEqual(queries.rows_of([]), [])

    @pytest.mark.requirement("R13")
    def test_it_records_one_access_with_the_four_statutory_elements(self) -> None:
        self.search(self.dave)
        [record] = self.new_records()
        self.assertEqual(record.action, Action.SEARCH)
        self.assertIsNotNone(record.at)  # (1) date and time
        self.assertEqual(
            record.criteria, {"plate": "7ABC123", "match": "exact", "window_days": None}
        )  # (2) the data elements
        self.assertEqual(
            (record.actor_username, record.actor_agency),
            ("dave", "Hawthorne Police Department"),
        )  # (3) user and agency
        self.assertEqual(record.purpose, "stolen_vehicle")  # (4) purpose
        self.assertEqual(record.case_number, "HPD-24-0042")
        self.assertEqual(record.result_ids, [self.read.id])
        self.assertEqual(
            (record.outcome, record.policy_version), ("allowed", self.policy.number)
        )
        self.assertEqual(record.client_address, "127.0.0.1")

    @pytest.mark.requirement("R14")
    def test_it_refuses_a_search_without_purpose_and_records_the_denial(self) -> None:
        r = self.search(self.dave, purpose="")
        self.assertEqual(r.status_code, 400)
        self.assertNotContains(r, 'table class="reads"', status_code=400)
        [record] = self.new_records()
        self.assertEqual(
            (record.outcome, record.criteria["plate"]), ("denied", "7ABC123")
        )
        self.assertIn("purpose", record.reason)
        self.assertEqual(record.result_ids, [])

    @pytest.mark.requirement("R14")
    def test_it_refuses_a_purpose_the_policy_does_not_list(self) -> None:
        r = self.search(self.dave, purpose="test")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.new_records()[0].outcome, "denied")

    @pytest.mark.requirement("R14")
    def test_it_refuses_a_search_without_case_number_when_the_policy_requires_one(
        self,
    ) -> None:
        r = self.search(self.dave, case_number="  ")
        self.assertEqual(r.status_code, 400)
        self.assertIn("case_number", self.new_records()[0].reason)

    @pytest.mark.requirement("R12")
    def test_it_refuses_an_auditor_and_records_it(self) -> None:
        r = self.search(self.uma)
        self.assertEqual(r.status_code, 403)
        [record] = self.new_records()
        self.assertEqual((record.actor_username, record.outcome), ("uma", "denied"))

    @pytest.mark.requirement("R2")
    def test_it_refuses_a_job_title_the_policy_does_not_list(self) -> None:
        self.assertEqual(self.search(self.tom).status_code, 403)
        self.assertEqual(self.login(self.tom).get("/search/").status_code, 403)

    def test_it_shows_another_agencys_detective_nothing(self) -> None:
        r = self.search(self.otto)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["reads"], [])
        self.assertEqual(
            self.new_records()[0].actor_agency, "Inglewood Police Department"
        )

    def test_it_limits_an_officer_to_the_recent_window(self) -> None:
        old = self.make_read("7ABC123", captured_at=timezone.now() - timedelta(days=40))
        officer = self.search(self.olivia).context["reads"]
        detective = self.search(self.dave).context["reads"]
        self.assertEqual([x.id for x in officer], [self.read.id])
        self.assertEqual([x.id for x in detective], [self.read.id, old.id])
        self.assertEqual(self.new_records()[0].criteria["window_days"], 30)

    def test_it_shows_the_form_to_a_searcher(self) -> None:
        r = self.login(self.dave).get("/search/")
        self.assertContains(r, "Stolen vehicle or stolen plate")

    def test_it_answers_503_and_shows_nothing_when_the_access_cannot_be_recorded(
        self,
    ) -> None:
        client = self.login(self.dave)  # signed in before the audit log fails
        block_audit_writes()
        r = client.post("/search/", GOOD)
        self.assertEqual(r.status_code, 503)
        self.assertNotContains(r, 'table class="reads"', status_code=503)
        self.assertNotContains(r, "7ABC123", status_code=503)

    @pytest.mark.requirement("R18")
    def test_it_tells_the_security_contacts_at_once_when_the_log_fails(self) -> None:
        from django.core import mail
        from django.test import override_settings

        from platekeeper.audit import outage

        outage.reset()
        client = self.login(self.dave)
        block_audit_writes()
        with override_settings(
            SECURITY_EMAIL_TO=["oncall@hawthorne.example"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ):
            self.assertEqual(client.post("/search/", GOOD).status_code, 503)
            self.assertEqual(client.post("/search/", GOOD).status_code, 503)
        [warning] = mail.outbox  # once, not once a request
        self.assertEqual(warning.to, ["oncall@hawthorne.example"])
        self.assertIn("cannot write its audit log", warning.body)
        self.assertNotIn("7ABC123", warning.body)
