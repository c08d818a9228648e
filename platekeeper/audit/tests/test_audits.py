"""Audits that happen on their own (R41, R42): sample, review, sign-off, escalation."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from platekeeper.audit import audits
from platekeeper.audit.models import AccessRecord, Action, AppendOnly, Audit, AuditItem
from platekeeper.test import BaseTestCase

WHY = {"purpose": "stolen_vehicle", "plate": "7ABC123"}


def at_ten(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


class AuditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_read("7ABC123")
        # Searches at 10:00 local on days inside the 30-day period, so that no
        # clock time of the run makes them off-hours.
        searched = timezone.localdate() - timedelta(days=29)
        with time_machine.travel(at_ten(searched), tick=False):
            browser = self.login(self.dave)
            for n in range(5):
                browser.post("/search/", {**WHY, "case_number": f"HPD-{n}"})
        # A search without a case number (a Policy that does not require one).
        from platekeeper.audit.record import Actor, Entry, record_access

        with time_machine.travel(at_ten(searched + timedelta(days=1)), tick=False):
            self.uncased = record_access(
                Actor.of_user(self.dave),
                Entry(Action.SEARCH, {"plate": "5PER123"}, purpose="stolen_vehicle"),
            )
        # Carla commands the Administrative Division: overdue audits come to her
        self.carla = self.person(
            "carla", self.hawthorne, "Administrative Division Commander"
        )
        self.carla.email = "carla@hawthorne.example"
        self.carla.save()

    def open(self) -> Audit:
        audit = audits.open_search_audit(
            self.hawthorne, self.policy.parsed, timezone.now(), rng=random.Random(1)
        )
        assert audit is not None
        return audit

    @pytest.mark.requirement("R41")
    def test_it_samples_every_flagged_search_and_some_others(self) -> None:
        audit = self.open()
        self.assertEqual(audit.auditor, self.uma)
        items = list(audit.items.all())
        flagged = [i for i in items if i.flags]
        self.assertEqual([i.record_id for i in flagged], [self.uncased.id])
        self.assertIn("no_case_number", flagged[0].flags)
        self.assertEqual(
            len(items), 6
        )  # five searches with a case fit the sample of 25
        self.assertIsNone(
            audits.open_search_audit(self.hawthorne, self.policy.parsed, timezone.now())
        )
        opened = AccessRecord.objects.get(action=Action.AUDIT_OPENED)
        self.assertEqual(opened.criteria["flagged"], 1)

    @pytest.mark.requirement("R41")
    def test_it_needs_every_item_reviewed_and_then_never_changes(self) -> None:
        audit = self.open()
        items = list(audit.items.all())
        with self.assertRaisesMessage(audits.Refused, "6 items are not reviewed"):
            audits.sign_off(audit, self.uma, "none", "")
        with self.assertRaisesMessage(audits.Refused, "say why"):
            audits.review(items[0], self.uma, False, "")
        for item in items:
            audits.review(
                item,
                self.uma,
                item.record_id != self.uncased.id,
                "no case number" if item.record_id == self.uncased.id else "",
            )
        audits.sign_off(
            audit, self.uma, "one search without a case number", "officer retrained"
        )
        audit.refresh_from_db()
        self.assertTrue(audit.closed)
        with self.assertRaisesMessage(audits.Refused, "signed off"):
            audits.review(items[1], self.uma, False, "changed my mind")
        with self.assertRaises(AppendOnly):
            audit.findings = "nothing"
            audit.save()
        with self.assertRaises(AppendOnly):
            AuditItem.objects.get(pk=items[0].pk).delete()
        signed = AccessRecord.objects.get(action=Action.AUDIT_SIGNED)
        self.assertEqual(
            (signed.actor_username, signed.criteria["unjustified"]), ("uma", 1)
        )

    def test_it_lets_only_the_assigned_auditor_review(self) -> None:
        audit = self.open()
        other = self.person("ursula", self.hawthorne, "Auditor")
        with self.assertRaisesMessage(audits.Refused, "assigned auditor"):
            audits.review(audit.items.first(), other, True, "")  # type: ignore[arg-type]

    @pytest.mark.requirement("R42")
    def test_it_opens_the_weekly_security_review_and_escalates_it_when_overdue(
        self,
    ) -> None:
        browser = Client()
        browser.post("/login/", {"acknowledge": "1"})
        browser.post("/login/", {"username": "dave", "password": "wrong"})
        out = StringIO()
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            call_command("schedule_audits", stdout=out)
            review = Audit.objects.get(kind=Audit.Kind.SECURITY_LOG)
            self.assertIn(
                "login_failed",
                [i.record.action for i in review.items.all() if i.record],
            )
            with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
                call_command("schedule_audits", stdout=out)
        self.assertIn("escalated overdue", out.getvalue())
        self.assertEqual(mail.outbox[0].to, ["carla@hawthorne.example"])
        self.assertTrue(
            AccessRecord.objects.filter(action=Action.AUDIT_ESCALATED).exists()
        )

    def page(self, user: Any, audit: Audit) -> Any:
        return self.login(user).get(f"/audit/audits/{audit.pk}/")

    def test_it_shows_audits_to_auditors_only(self) -> None:
        audit = self.open()
        self.assertContains(self.page(self.uma, audit), "items left")
        self.assertEqual(self.page(self.dave, audit).status_code, 403)
        self.assertEqual(self.login(self.dave).get("/audit/audits/").status_code, 403)
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.PRIVILEGED_REFUSED, actor_username="dave"
            ).exists()
        )
        otto_auditor = self.person("ivy", self.inglewood, "Auditor")
        self.assertEqual(self.page(otto_auditor, audit).status_code, 404)
        self.assertEqual(Client().get("/audit/audits/").status_code, 302)
