"""Monitoring raises the flags as they happen and tells the auditors (R43)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.test import BaseTestCase


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class MonitorTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.uma.email = "uma@hawthorne.example"
        self.uma.save()

    def run_monitor(self) -> str:
        out = StringIO()
        call_command("monitor_flags", stdout=out)
        return out.getvalue()

    @pytest.mark.requirement("R43")
    def test_it_raises_and_logs_a_mass_export_and_tells_the_auditor(self) -> None:
        export = record_access(
            Actor.of_user(self.dave),
            Entry(
                Action.EXPORT,
                {"plate": "7AB*"},
                purpose="criminal_investigation",
                case_number="HPD-1",
                justification="robbery series on Hawthorne Blvd",
                result_ids=list(range(5000)),
            ),
        )
        self.assertIn("1 flagged", self.run_monitor())
        raised = AccessRecord.objects.get(action=Action.FLAG_RAISED)
        self.assertEqual(raised.criteria["record"], str(export.code))
        self.assertIn("mass_export", raised.criteria["flags"])
        [message] = mail.outbox
        self.assertEqual(message.to, ["uma@hawthorne.example"])
        self.assertIn(str(export.code), message.body)
        self.assertNotIn("7AB", message.body)
        self.assertIn("0 flagged", self.run_monitor())  # each access is looked at once

    def test_it_stays_quiet_about_an_ordinary_search(self) -> None:
        record_access(
            Actor.of_user(self.dave),
            Entry(
                Action.SEARCH,
                {"plate": "7ABC123"},
                purpose="stolen_vehicle",
                case_number="HPD-2",
                justification="",
                result_ids=[1],
            ),
        )
        self.run_monitor()
        raised = AccessRecord.objects.filter(action=Action.FLAG_RAISED)
        self.assertTrue(
            all("no_case_number" not in r.criteria["flags"] for r in raised)
        )
