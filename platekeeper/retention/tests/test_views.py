"""The hold, package and retention pages: they work, need login, refuse the
wrong title and agency, and record what they show."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.retention import actions, packages, purge
from platekeeper.retention.models import Hold, RetentionReview
from platekeeper.retention.tests.test_purge import request
from platekeeper.test import BaseTestCase


class HoldPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Carl keeps Hawthorne's records: approves and releases holds
        self.carl = self.person("carl", self.hawthorne, "Custodian of Records")
        self.read = self.make_read("7ABC123")
        self.other = self.make_read("6XYZ999")

    def form(self, **extra: object) -> dict[str, object]:
        return {
            "case_number": "HPD-26-0612",
            "evidence_item": "E-0042",
            "requester": "Det. Dave",
            "reason": "Suspect vehicle in the Rosecrans shooting",
            "review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            **extra,
        }

    @pytest.mark.requirement("R26")
    def test_it_places_a_hold_from_a_search_result(self) -> None:
        browser = self.login(self.dave)
        step = browser.post(
            "/holds/new",
            {"from": "results", "read": [self.read.id], "case_number": "HPD-26-0612"},
        )
        self.assertContains(step, "1 read chosen")
        self.assertContains(step, 'value="HPD-26-0612"')
        done = browser.post("/holds/new", self.form(read=[self.read.id]))
        hold = Hold.objects.get()
        self.assertRedirects(done, f"/holds/{hold.pk}/")
        self.assertEqual(
            list(hold.reads.values_list("read_id", flat=True)), [self.read.id]
        )
        self.assertEqual(hold.status, Hold.Status.PENDING)

    def test_it_places_a_hold_by_plate_and_time(self) -> None:
        now = timezone.localtime()
        self.login(self.dave).post(
            "/holds/new",
            self.form(
                plate="7abc123",
                start=(now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
                end=now.strftime("%Y-%m-%dT%H:%M"),
            ),
        )
        held = Hold.objects.get().reads.values_list("read_id", flat=True)
        self.assertEqual(list(held), [self.read.id])

    def test_it_places_a_hold_from_an_alert_the_user_may_open(self) -> None:
        seen = self.make_alert(self.read)
        covert = self.make_alert(self.other, covert=True)  # dave is not in its audience
        browser = self.login(self.dave)
        refused = browser.post("/holds/new", self.form(alert=covert.pk))
        self.assertEqual(refused.status_code, 400)
        self.assertFalse(Hold.objects.exists())
        browser.post("/holds/new", self.form(alert=seen.pk))
        held = Hold.objects.get().reads.values_list("read_id", flat=True)
        self.assertEqual(list(held), [self.read.id])

    def test_it_refuses_a_hold_without_reads_or_with_a_past_review_date(self) -> None:
        browser = self.login(self.dave)
        self.assertEqual(browser.post("/holds/new", self.form()).status_code, 400)
        past = self.form(read=[self.read.id], review_on="2020-01-01")
        self.assertContains(
            browser.post("/holds/new", past), "in the future", status_code=400
        )
        self.assertFalse(Hold.objects.exists())

    def test_it_marks_a_hold_past_its_review_date(self) -> None:
        soon = timezone.localdate() + timedelta(days=10)
        actions.place(self.dave, [self.read.id], request(review_on=soon))
        self.assertNotContains(self.login(self.carl).get("/holds/"), "overdue")
        with time_machine.travel(timezone.now() + timedelta(days=12)):
            self.assertContains(self.login(self.carl).get("/holds/"), "overdue")

    def test_it_needs_login(self) -> None:
        for url in ("/holds/", "/holds/new", "/retention/"):
            self.assertEqual(self.client.get(url).status_code, 302, url)

    def test_it_refuses_titles_without_holds_and_records_the_refusal(self) -> None:
        for user in (self.olivia, self.uma, self.alice):
            response = self.login(user).post(
                "/holds/new", self.form(read=[self.read.id])
            )
            self.assertEqual(response.status_code, 403, user.username)
        self.assertEqual(len(self.access_records(action=Action.PRIVILEGED_REFUSED)), 3)
        self.assertFalse(Hold.objects.exists())

    def test_it_shows_another_agency_nothing(self) -> None:
        hold = actions.place(self.dave, [self.read.id], request())
        otto = self.login(self.otto)
        self.assertEqual(otto.get(f"/holds/{hold.pk}/").status_code, 404)
        self.assertEqual(otto.post(f"/holds/{hold.pk}/package").status_code, 404)
        self.assertNotContains(otto.get("/holds/"), "HPD-26-0612")

    def test_it_records_opening_a_hold_with_the_reads_it_showed(self) -> None:
        hold = actions.place(self.dave, [self.read.id], request())
        page = self.login(self.dave).get(f"/holds/{hold.pk}/")
        self.assertContains(page, "7ABC123")
        self.assertNotContains(page, "6XYZ999")
        [record] = self.access_records(action=Action.HOLD_VIEWED)
        self.assertEqual(record.result_ids, [self.read.id])
        self.assertEqual(record.case_number, "HPD-26-0612")

    @pytest.mark.requirement("R26")
    def test_it_lets_only_the_custodian_approve_and_release(self) -> None:
        hold = actions.place(self.dave, [self.read.id], request())
        url = f"/holds/{hold.pk}/decide"
        self.assertEqual(
            self.login(self.dave).post(url, {"decision": "approve"}).status_code, 403
        )
        carl = self.login(self.carl)
        carl.post(url, {"decision": "approve"})
        hold.refresh_from_db()
        self.assertEqual(
            (hold.status, hold.approved_by), (Hold.Status.APPROVED, self.carl)
        )
        later = (timezone.localdate() + timedelta(days=500)).isoformat()
        carl.post(url, {"decision": "renew", "review_on": later})
        hold.refresh_from_db()
        self.assertEqual(hold.review_on.isoformat(), later)
        carl.post(url, {"decision": "release", "reason": ""})
        hold.refresh_from_db()
        self.assertEqual(
            hold.status, Hold.Status.APPROVED
        )  # a release needs its reason
        carl.post(url, {"decision": "release", "reason": "Case closed"})
        hold.refresh_from_db()
        self.assertEqual(hold.status, Hold.Status.RELEASED)

    def test_it_downloads_a_package_that_verifies_and_records_it(self) -> None:
        hold = actions.place(self.dave, [self.read.id], request())
        response = self.login(self.dave).post(f"/holds/{hold.pk}/package")
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertEqual(packages.verify(io.BytesIO(response.content)), [])
        [record] = self.access_records(action=Action.EVIDENCE_PACKAGE)
        self.assertIn(str(record.code), response["Content-Disposition"])
        self.assertEqual(
            self.login(self.carl).post(f"/holds/{hold.pk}/package").status_code, 200
        )
        self.assertEqual(
            self.login(self.olivia).post(f"/holds/{hold.pk}/package").status_code, 403
        )


class RetentionPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.carl = self.person("carl", self.hawthorne, "Custodian of Records")

    @pytest.mark.requirement("R25")
    def test_it_shows_the_last_purge_and_the_missing_authority(self) -> None:
        self.make_read("7ABC123", captured_at=timezone.now() - timedelta(days=400))
        purge.run()
        page = self.login(self.carl).get("/retention/")
        self.assertContains(page, "Last purge:")
        self.assertContains(page, "1 read and 0 images removed")
        self.assertContains(page, "names no destruction authority")
        self.assertEqual(self.login(self.dave).get("/retention/").status_code, 403)

    @pytest.mark.requirement("R28")
    def test_it_records_the_two_yearly_review(self) -> None:
        task = RetentionReview.objects.create(
            agency=self.hawthorne, due_on=timezone.localdate()
        )
        carl = self.login(self.carl)
        self.assertContains(carl.get("/retention/"), "A review of retention is due")
        carl.post(
            "/retention/",
            {"conclusion": "Keep one year: 8 % of searches reach past 90 days"},
        )
        task.refresh_from_db()
        self.assertEqual(task.reviewed_by, self.carl)
        [record] = self.access_records(action=Action.RETENTION_REVIEWED)
        self.assertIn("8 %", record.justification)
