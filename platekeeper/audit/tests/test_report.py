"""The monthly audit report counts what happened and what was flagged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import time_machine
from django.utils import timezone

from platekeeper.audit import report
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.rules import AuditRules
from platekeeper.test import BaseTestCase

DAVE = Actor("dave", "Hawthorne Police Department", "CA0194200")


def at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 10, day, hour))


class MonthlyReportTestCase(BaseTestCase):
    def test_it_counts_by_action_user_purpose_and_flag(self) -> None:
        def write(day: int, hour: int, **kw: Any) -> None:
            with time_machine.travel(at(day, hour), tick=False):
                record_access(
                    DAVE,
                    Entry(
                        **{
                            "action": Action.SEARCH,
                            "criteria": {"plate": "7ABC123"},
                            "purpose": "stolen_vehicle",
                            "case_number": "HPD-1",
                            **kw,
                        }
                    ),
                )

        write(3, 10)
        write(4, 23)  # off hours
        write(5, 10, case_number="")  # no case number
        write(6, 10, outcome=Outcome.DENIED, reason="no purpose")
        write(7, 10, action=Action.EXPORT, result_count=2000)  # mass export
        for day in (10, 11, 12):  # the same plate three days running, no case
            write(day, 10, case_number="", criteria={"plate": "5PER123"})
        found = report.monthly(at(1, 0), at(31, 23), AuditRules(), "CA0194200")
        self.assertEqual(found.total, 8)
        self.assertEqual(found.by_outcome, {"allowed": 7, "denied": 1})
        self.assertEqual(found.searches_by_user["dave"], 7)
        self.assertEqual(found.denied_by_user["dave"], 1)
        self.assertEqual(
            dict(found.flags),
            {
                "off_hours": 1,
                "no_case_number": 4,
                "mass_export": 1,
                "repeated_plate": 1,
            },
        )
        self.assertEqual(found.flagged_by_user["dave"], 6)
