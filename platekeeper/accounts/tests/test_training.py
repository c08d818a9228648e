from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.search.tests.test_search import GOOD
from platekeeper.test import BaseTestCase


class TrainingGateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Nina is a Hawthorne detective hired last week: no training recorded yet
        self.nina = self.person("nina", self.hawthorne, "Detective", trained=False)
        self.make_read("7ABC123")

    def record(self, username: str, course: str, *args: str) -> str:
        out = StringIO()
        call_command(
            "training",
            "record",
            username,
            course,
            "--verified-by",
            "Sgt. Okafor",
            *args,
            stdout=out,
        )
        return out.getvalue()

    @pytest.mark.requirement("R3")
    def test_it_refuses_a_search_without_training_and_says_what_is_needed(self) -> None:
        client = self.login(self.nina)
        page = client.get("/search/")
        self.assertEqual(page.status_code, 403)
        self.assertContains(page, "Department ALPR training", status_code=403)
        self.assertContains(page, "CJIS security awareness", status_code=403)
        r = client.post("/search/", GOOD)
        self.assertEqual(r.status_code, 403)
        self.assertNotContains(r, "El Segundo", status_code=403)
        denied = AccessRecord.objects.filter(actor_username="nina").last()
        assert denied is not None
        self.assertEqual(denied.outcome, "denied")
        self.assertIn(
            "training missing or expired: alpr, cjis_awareness", denied.reason
        )

    @pytest.mark.requirement("R3")
    def test_it_allows_the_search_once_training_is_recorded(self) -> None:
        self.record("nina", "alpr")
        self.assertEqual(self.login(self.nina).get("/search/").status_code, 403)
        self.record("nina", "cjis_awareness")
        r = self.login(self.nina).post("/search/", GOOD)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(r.context["reads"]), 1)

    @pytest.mark.requirement("R3")
    def test_it_refuses_once_training_has_expired(self) -> None:
        # Dave's courses were completed a week ago; CJIS awareness lasts 365 days,
        # so it counts for 358 more days.
        with time_machine.travel(timezone.now() + timedelta(days=357), tick=False):
            self.assertEqual(
                self.login(self.dave).post("/search/", GOOD).status_code, 200
            )
        with time_machine.travel(timezone.now() + timedelta(days=359), tick=False):
            r = self.login(self.dave).post("/search/", GOOD)
            self.assertEqual(r.status_code, 403)
            self.assertContains(r, "CJIS security awareness", status_code=403)
            self.record("dave", "cjis_awareness")
            self.assertEqual(
                self.login(self.dave).post("/search/", GOOD).status_code, 200
            )

    def test_it_tells_an_untrained_auditor_about_the_title_not_the_training(
        self,
    ) -> None:
        # Training would not let an auditor search: the refusal names the title.
        auditor = self.person("abe", self.hawthorne, "Auditor", trained=False)
        r = self.login(auditor).get("/search/")
        self.assertEqual(r.status_code, 403)
        self.assertContains(r, "may not search", status_code=403)
        self.assertNotContains(r, "Training needed", status_code=403)

    def test_it_shows_an_untrained_administrator_the_notice_on_the_cameras_page(
        self,
    ) -> None:
        admin = self.person("andy", self.hawthorne, "ALPR Administrator", trained=False)
        r = self.login(admin).get("/cameras/")
        self.assertContains(r, "Training needed", status_code=403)

    def test_it_records_training_in_the_audit_log(self) -> None:
        self.record(
            "nina", "alpr", "--date", str(timezone.localdate() - timedelta(days=3))
        )
        entry = AccessRecord.objects.filter(action=Action.TRAINING_RECORDED).last()
        assert entry is not None
        self.assertEqual(
            (
                entry.criteria["username"],
                entry.criteria["course"],
                entry.criteria["verified_by"],
            ),
            ("nina", "alpr", "Sgt. Okafor"),
        )

    def test_it_refuses_a_course_the_policy_does_not_have_or_a_future_date(
        self,
    ) -> None:
        with self.assertRaisesMessage(CommandError, "not a course of the Policy"):
            self.record("nina", "yoga")
        with self.assertRaisesMessage(CommandError, "future"):
            self.record(
                "nina", "alpr", "--date", str(timezone.localdate() + timedelta(days=1))
            )

    def test_it_reports_training_that_falls_due(self) -> None:
        out = StringIO()
        call_command("training", "due", "--days", "30", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertIn("nina\talpr\tnever completed", lines)
        self.assertFalse(any(line.startswith("dave\t") for line in lines))
        with time_machine.travel(timezone.now() + timedelta(days=340), tick=False):
            out = StringIO()
            call_command("training", "due", "--days", "30", stdout=out)
            self.assertIn("dave\tcjis_awareness", out.getvalue())
