"""The audit browser: auditors only, every reading recorded (R16), breach report (R46)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase

SEARCH = {"plate": "7ABC123", "purpose": "stolen_vehicle", "case_number": "HPD-26-0900"}


def dave_this_hour() -> dict[str, str]:
    """The breach form for Dave, an hour either side of now (local, as typed)."""
    now = timezone.localtime()
    return {
        "user": "dave",
        "start": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "end": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }


class AuditBrowserTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.read = self.make_read("7ABC123")
        self.other = self.make_read("8XYZ999")
        self.login(self.dave).post("/search/", SEARCH)
        self.search = AccessRecord.objects.get(action=Action.SEARCH)

    def log(self, **filters: Any) -> Any:
        return self.login(self.uma).get("/audit/", filters)

    @pytest.mark.requirement("R16")
    def test_it_lets_an_auditor_filter_the_log_and_records_the_reading(self) -> None:
        page = self.log(user="dave", action="search", plate="7abc")
        self.assertEqual([r.id for r in page.context["records"]], [self.search.id])
        self.assertEqual(self.log(case_number="nope").context["records"], [])
        read_log = (
            AccessRecord.objects.filter(action=Action.AUDIT_VIEWED)
            .order_by("id")
            .first()
        )
        assert read_log is not None
        self.assertEqual(
            (read_log.actor_username, read_log.criteria, read_log.result_ids),
            (
                "uma",
                {"user": "dave", "plate": "7abc", "action": "search"},
                [self.search.id],
            ),
        )

    @pytest.mark.requirement("R16")
    def test_it_refuses_the_log_to_everyone_else_and_records_it(self) -> None:
        for user in (self.dave, self.alice, self.olivia):
            with self.subTest(user=user.username):
                self.assertEqual(self.login(user).get("/audit/").status_code, 403)
        refused = AccessRecord.objects.filter(action=Action.PRIVILEGED_REFUSED)
        self.assertEqual(
            {r.actor_username for r in refused}, {"dave", "alice", "olivia"}
        )
        self.assertFalse(
            AccessRecord.objects.filter(action=Action.AUDIT_VIEWED).exists()
        )

    def test_it_needs_sign_in(self) -> None:
        self.assertEqual(Client().get("/audit/").status_code, 302)

    def test_it_shows_what_an_entry_returned(self) -> None:
        page = self.login(self.uma).get(f"/audit/{self.search.code}/")
        self.assertEqual([r.id for r in page.context["reads"]], [self.read.id])
        shown = AccessRecord.objects.filter(action=Action.AUDIT_VIEWED).latest("id")
        self.assertEqual(shown.result_ids, [self.read.id])
        self.assertEqual(
            self.login(self.uma).get("/audit/not-a-code/").status_code, 404
        )

    def test_it_exports_the_filtered_log_on_the_record(self) -> None:
        response = self.log(user="dave", format="csv")
        self.assertIn("HPD-26-0900", response.content.decode())
        exported = AccessRecord.objects.filter(action=Action.AUDIT_VIEWED).latest("id")
        self.assertEqual(exported.criteria["export"], "csv")

    def test_an_auditor_reads_the_log_but_cannot_search_plates(self) -> None:
        self.assertEqual(self.log().status_code, 200)
        self.assertEqual(self.login(self.uma).post("/search/", SEARCH).status_code, 403)

    @pytest.mark.requirement("R46")
    def test_it_lists_every_read_a_compromised_account_was_shown(self) -> None:
        browser = self.login(self.dave)
        browser.get(f"/reads/{self.read.id}/?access={self.search.code}")
        browser.post("/search/", {**SEARCH, "plate": "8XYZ999"})
        self.login(self.olivia).post(
            "/search/", SEARCH
        )  # someone else's access: not in it
        window = dave_this_hour()
        page = self.login(self.uma).get("/audit/breach/", window)
        report = page.context["report"]
        self.assertEqual(
            {r.read_id for r in report.rows}, {self.read.id, self.other.id}
        )
        self.assertEqual(report.plates, ["7ABC123", "8XYZ999"])
        self.assertEqual(report.accesses, 3)  # two searches and a read detail
        csv_text = (
            self.login(self.uma)
            .get("/audit/breach/", {**window, "format": "csv"})
            .content.decode()
        )
        self.assertIn("3 accesses, 2 reads, 2 plates", csv_text)
        self.assertEqual(
            self.login(self.dave).get("/audit/breach/", window).status_code, 403
        )

    def test_it_shows_another_agencys_auditor_nothing_of_ours(self) -> None:
        ivy = self.person("ivy", self.inglewood, "Auditor")
        page = self.login(ivy).get("/audit/", {"user": "dave"})
        self.assertEqual(page.context["records"], [])
        self.assertEqual(
            self.login(ivy).get(f"/audit/{self.search.code}/").status_code, 404
        )
        window = dave_this_hour()
        self.assertEqual(
            self.login(ivy).get("/audit/breach/", window).context["report"].rows, []
        )
