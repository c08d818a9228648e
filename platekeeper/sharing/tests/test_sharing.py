"""Sharing only through approved written requests, only with those the law allows."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.models import Action, Outcome
from platekeeper.reads.models import PlateRead
from platekeeper.retention import purge
from platekeeper.sharing import actions, letters, pseudonyms, shares
from platekeeper.sharing.actions import Written
from platekeeper.sharing.models import Kept, ReleaseRequest
from platekeeper.test import BaseTestCase

LETTER = b"%PDF-1.4 written request on letterhead"


def agency(name: str, ori: str, type_: str, level: str, state: str) -> Agency:
    return Agency.objects.create(
        name=name, ori=ori, type=type_, level=level, state=state
    )


class SharingWorld(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Carl keeps Hawthorne's records: enters and fulfils release requests
        self.carl = self.person("carl", self.hawthorne, "Custodian of Records")
        # Carla commands the Administrative Division: reviews every release request
        self.carla = self.person(
            "carla", self.hawthorne, "Administrative Division Commander"
        )
        T = Agency.Type
        self.da = agency(
            "Los Angeles County District Attorney",
            "CA019013A",
            T.PROSECUTOR,
            "local",
            "CA",
        )
        self.phoenix = agency(
            "Phoenix Police Department", "AZ0072300", T.LAW_ENFORCEMENT, "local", "AZ"
        )
        self.fbi = agency(
            "Federal Bureau of Investigation",
            "DCFBIWA00",
            T.LAW_ENFORCEMENT,
            "federal",
            "DC",
        )
        self.acme = agency("Acme Recovery LLC", "XX0000001", T.COMMERCIAL, "", "CA")
        self.rules = self.policy.parsed
        self.read = self.make_read("7ABC123")
        self.make_read("6XYZ999")

    def written(
        self, recipient: Agency, plates: list[str] | None = None, **extra: Any
    ) -> Written:
        now = timezone.now()
        fields: dict[str, Any] = {
            "recipient": recipient,
            "kind": ReleaseRequest.Kind.LAW_ENFORCEMENT,
            "requester_name": "DDA Rivera",
            "requester_contact": "rivera@da.example, 213-555-0100",
            "purpose": "Prosecution of the Rosecrans shooting",
            "case_number": "BA-512345",
            "legal_authority": "Penal Code 1054 (discovery)",
            "plates": plates or ["7ABC123"],
            "start": now - timedelta(days=1),
            "end": now,
            "document": LETTER,
            "document_name": "request.pdf",
            **extra,
        }
        return Written(**fields)

    def approved(self, recipient: Agency, **extra: Any) -> ReleaseRequest:
        req = actions.enter(self.carl, self.written(recipient, **extra), self.rules)
        actions.decide(req, self.carla, True, "official purpose stated", self.rules)
        return req


class SharingTestCase(SharingWorld):
    @pytest.mark.requirement("R30")
    def test_it_refuses_out_of_state_federal_and_private_recipients_even_when_approved(
        self,
    ) -> None:
        for recipient in (self.phoenix, self.fbi, self.acme):
            with self.subTest(recipient=recipient.name):
                req = self.approved(recipient)
                self.assertEqual(req.status, ReleaseRequest.Status.REFUSED)
                with self.assertRaises(actions.Refused):
                    actions.fulfil(req, self.carl, self.rules)
        decided = self.access_records(action=Action.RELEASE_DECIDED)
        self.assertEqual({r.outcome for r in decided}, {Outcome.DENIED})

    @pytest.mark.requirement("R30")
    @pytest.mark.requirement("R31")
    def test_it_fulfils_a_california_das_approved_request_in_the_das_name(self) -> None:
        req = self.approved(self.da)
        record = actions.fulfil(req, self.carl, self.rules)
        self.assertEqual(record.actor_agency, "Los Angeles County District Attorney")
        self.assertEqual(record.actor_agency_ori, "CA019013A")
        self.assertIn("DDA Rivera", record.actor_username)
        self.assertEqual(record.result_ids, [self.read.id])
        data = actions.download(req, self.carl)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertIn("7ABC123", archive.read("reads.csv").decode())
            self.assertNotIn("6XYZ999", archive.read("reads.csv").decode())

    @pytest.mark.requirement("R31")
    def test_it_refuses_fulfilment_before_approval_or_by_a_non_approver(self) -> None:
        req = actions.enter(self.carl, self.written(self.da), self.rules)
        with self.assertRaisesMessage(actions.Refused, "once approved"):
            actions.fulfil(req, self.carl, self.rules)
        with self.assertRaises(actions.Refused):
            actions.decide(
                req, self.carl, True, "", self.rules
            )  # staff may not approve
        actions.decide(req, self.carla, True, "", self.rules)
        with self.assertRaisesMessage(actions.Refused, "may not fulfil"):
            actions.fulfil(req, self.dave, self.rules)
        refused = self.access_records(
            action=Action.RELEASE_FULFILLED, outcome=Outcome.DENIED
        )
        self.assertEqual(len(refused), 2)

    @pytest.mark.requirement("R31")
    def test_it_keeps_an_approved_request_through_the_purge_for_two_years(self) -> None:
        req = self.approved(self.da)
        with time_machine.travel(timezone.now() + timedelta(days=729)):
            purge.run()
        self.assertTrue(ReleaseRequest.objects.filter(pk=req.pk).exists())
        with self.assertRaises(Kept):
            req.delete()

    @pytest.mark.requirement("R34")
    def test_it_never_queries_the_reads_for_an_ineligible_requester(self) -> None:
        letters_ = []
        for plates in (["7ABC123"], ["0NONE00"]):  # a plate we have, and one we do not
            with CaptureQueriesContext(connection) as queries:
                req = self.approved(self.phoenix, plates=plates)
                with self.assertRaises(actions.Refused):
                    actions.fulfil(req, self.carl, self.rules)
                letters_.append(letters.denial(req).replace(f"request {req.pk} ", ""))
            touched = [
                q["sql"] for q in queries.captured_queries if "reads_" in q["sql"]
            ]
            self.assertEqual(touched, [])
        self.assertEqual(letters_[0], letters_[1])

    @pytest.mark.requirement("R32")
    def test_it_flags_an_emergency_release_not_approved_within_a_day(self) -> None:
        req = actions.enter(
            self.dave, self.written(self.da, emergency=True), self.rules
        )
        actions.fulfil(req, self.dave, self.rules)  # run first
        approved_in_time = actions.enter(
            self.dave, self.written(self.da, emergency=True), self.rules
        )
        actions.decide(
            approved_in_time, self.carla, True, "confirmed by phone", self.rules
        )
        with time_machine.travel(timezone.now() + timedelta(hours=25)):
            call_command("sharing_tasks", stdout=io.StringIO())
        req.refresh_from_db()
        approved_in_time.refresh_from_db()
        self.assertIsNotNone(req.flagged_at)
        self.assertIsNone(approved_in_time.flagged_at)
        [flag] = self.access_records(action=Action.FLAG_RAISED)
        self.assertEqual(flag.criteria["request"], req.pk)

    def test_it_pseudonymizes_a_public_records_release(self) -> None:
        self.make_read("7ABC123", captured_at=timezone.now() - timedelta(hours=2))
        req = self.approved(
            self.acme,
            kind=ReleaseRequest.Kind.PUBLIC_RECORDS,
            plates=["7ABC123", "6XYZ999"],
        )
        actions.fulfil(req, self.carl, self.rules)
        text = actions.download(req, self.carl).decode()
        self.assertNotIn("7ABC123", text)
        self.assertNotIn("6XYZ999", text)
        rows = [line.split(",")[0] for line in text.splitlines()[1:]]
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows.count(pseudonyms.pseudonym("7ABC123", req.pk)), 2)

    def test_it_expires_the_download(self) -> None:
        req = self.approved(self.da)
        actions.fulfil(req, self.carl, self.rules)
        with time_machine.travel(timezone.now() + timedelta(hours=73)):
            with self.assertRaisesMessage(actions.Refused, "expired"):
                actions.download(req, self.carl)


class SharingPagesTestCase(SharingWorld):
    def form(self, **extra: Any) -> dict[str, Any]:
        now = timezone.localtime()
        return {
            "recipient_ori": "ca019013a",
            "kind": "law_enforcement",
            "requester_name": "DDA Rivera",
            "requester_contact": "rivera@da.example",
            "purpose": "Prosecution of the Rosecrans shooting",
            "case_number": "BA-512345",
            "legal_authority": "Penal Code 1054",
            "plates": "7ABC123, 8def456",
            "start": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "end": now.strftime("%Y-%m-%dT%H:%M"),
            "document": SimpleUploadedFile("request.pdf", LETTER),
            **extra,
        }

    @pytest.mark.requirement("R31")
    def test_it_refuses_a_request_without_a_purpose(self) -> None:
        response = self.login(self.carl).post("/sharing/new", self.form(purpose=""))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ReleaseRequest.objects.exists())

    def test_it_routes_a_court_order_through_the_city_attorney(self) -> None:
        carl = self.login(self.carl)
        order = self.form(kind="court_order")
        self.assertContains(
            carl.post("/sharing/new", order), "City Attorney", status_code=400
        )
        carl.post(
            "/sharing/new", self.form(kind="court_order", city_attorney="CA-2026-118")
        )
        self.assertEqual(ReleaseRequest.objects.get().city_attorney, "CA-2026-118")

    def test_it_enters_decides_fulfils_and_reports(self) -> None:
        carl = self.login(self.carl)
        done = carl.post("/sharing/new", self.form())
        req = ReleaseRequest.objects.get()
        self.assertRedirects(done, f"/sharing/{req.pk}/")
        self.assertEqual(req.plates, ["7ABC123", "8DEF456"])
        self.login(self.carla).post(
            f"/sharing/{req.pk}/decide", {"decision": "approve"}
        )
        carl = self.login(self.carl)
        carl.post(f"/sharing/{req.pk}/fulfil")
        download = carl.get(f"/sharing/{req.pk}/download")
        self.assertEqual(download["Content-Type"], "application/zip")
        report = carl.get("/sharing/report")
        self.assertContains(report, "Los Angeles County District Attorney (CA019013A)")
        self.assertContains(report, "carla")

    def test_it_needs_login_and_refuses_other_titles_and_agencies(self) -> None:
        for url in ("/sharing/", "/sharing/new", "/sharing/report"):
            self.assertEqual(self.client.get(url).status_code, 302)
        self.assertEqual(self.login(self.olivia).get("/sharing/").status_code, 403)
        self.assertEqual(self.login(self.uma).get("/sharing/report").status_code, 403)
        req = self.approved(self.da)
        self.assertEqual(
            self.login(self.otto).get(f"/sharing/{req.pk}/").status_code, 404
        )
        refused = self.access_records(action=Action.PRIVILEGED_REFUSED)
        self.assertEqual(len(refused), 2)

    def test_it_adds_an_agency_to_the_registry(self) -> None:
        self.login(self.carl).post(
            "/sharing/agencies",
            {
                "name": "Torrance PD",
                "ori": "ca0197500",
                "type": "law_enforcement",
                "level": "local",
                "state": "ca",
            },
        )
        self.assertEqual(Agency.objects.get(ori="CA0197500").state, "CA")
        [record] = self.access_records(action=Action.AGENCY_REGISTERED)
        self.assertEqual(record.criteria["ori"], "CA0197500")

    def test_it_serves_the_same_denial_letter_for_a_refused_request(self) -> None:
        req = self.approved(self.fbi)
        letter = self.login(self.carl).get(f"/sharing/{req.pk}/letter")
        self.assertContains(letter, "does not confirm or deny")


class StandingShareTestCase(SharingWorld):
    def otto_sees(self) -> set[int]:
        return set(PlateRead.objects.visible_to(self.otto).values_list("id", flat=True))

    def inglewood_request(self) -> ReleaseRequest:
        return actions.enter(
            self.carl,
            self.written(self.inglewood, requester_name="Lt. Okafor"),
            self.rules,
        )

    @pytest.mark.requirement("R33")
    def test_it_shares_with_nobody_until_an_approved_share_is_opened(self) -> None:
        self.assertEqual(self.otto_sees(), set())
        self.assertContains(
            self.login(self.carl).get("/sharing/report"), "None: no other agency"
        )
        req = self.inglewood_request()
        until = timezone.localdate() + timedelta(days=180)
        with self.assertRaisesMessage(actions.Refused, "approved"):
            shares.open_share(req, self.carla, until, self.rules)
        actions.decide(req, self.carla, True, "mutual-aid investigations", self.rules)
        with self.assertRaises(actions.Refused):
            shares.open_share(req, self.carl, until, self.rules)  # staff may not
        share = shares.open_share(req, self.carla, until, self.rules)
        self.assertIn(self.read.id, self.otto_sees())
        report = self.login(self.carl).get("/sharing/report")
        self.assertContains(report, "Inglewood Police Department (CA0194300) until")
        refused, opened = self.access_records(action=Action.SHARE_CHANGED)
        self.assertEqual(refused.outcome, Outcome.DENIED)  # carl's attempt
        self.assertEqual(opened.criteria["share"], share.pk)

    @pytest.mark.requirement("R33")
    def test_it_stops_a_share_not_reviewed_on_time_or_ended(self) -> None:
        req = self.inglewood_request()
        actions.decide(req, self.carla, True, "", self.rules)
        share = shares.open_share(
            req, self.carla, timezone.localdate() + timedelta(days=300), self.rules
        )
        with time_machine.travel(timezone.now() + timedelta(days=91)):
            self.assertEqual(self.otto_sees(), set())  # the 90-day review was missed
        shares.review_share(share, self.carla, self.rules)
        self.assertIn(self.read.id, self.otto_sees())
        shares.end_share(share, self.carla, self.rules, "task force disbanded")
        self.assertEqual(self.otto_sees(), set())
