"""CLETS/NCIC data-source grants (Policy 427.3(e)): a separate grant that lapses
with the CLETS certification."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from platekeeper.accounts import lifecycle
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase


class DataSourceGrantTestCase(BaseTestCase):
    def certify(self, days_ago: int = 0) -> None:
        completed = timezone.localdate() - timedelta(days=days_ago)
        call_command(
            "training",
            "record",
            "olivia",
            "clets_operator",
            "--date",
            completed.isoformat(),
            "--verified-by",
            "CLETS coordinator",
            stdout=StringIO(),
        )

    def test_it_grants_clets_only_to_a_certified_user(self) -> None:
        with self.assertRaisesMessage(CommandError, "no current CLETS operator"):
            call_command("account", "grant", "olivia", "clets", stdout=StringIO())
        self.certify()
        call_command("account", "grant", "olivia", "clets", stdout=StringIO())
        self.assertTrue(lifecycle.may_see(self.olivia, "clets", self.policy.parsed))
        self.assertFalse(lifecycle.may_see(self.dave, "clets", self.policy.parsed))
        granted = AccessRecord.objects.get(action=Action.DATA_SOURCE_GRANTED)
        self.assertEqual(granted.criteria["source"], "clets")

    def test_it_lets_the_grant_lapse_with_the_certification(self) -> None:
        self.certify(days_ago=700)
        call_command("account", "grant", "olivia", "clets", stdout=StringIO())
        rules = self.policy.parsed
        self.assertTrue(lifecycle.may_see(self.olivia, "clets", rules))
        with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
            self.assertFalse(lifecycle.may_see(self.olivia, "clets", rules))
            out = StringIO()
            call_command("training", "due", stdout=out)
            self.assertIn("olivia\tclets_operator", out.getvalue())

    def test_it_revokes_a_grant_on_the_record(self) -> None:
        self.certify()
        call_command("account", "grant", "olivia", "clets", stdout=StringIO())
        call_command("account", "revoke", "olivia", "clets", stdout=StringIO())
        self.assertFalse(lifecycle.may_see(self.olivia, "clets", self.policy.parsed))
        self.assertTrue(
            AccessRecord.objects.filter(action=Action.DATA_SOURCE_REVOKED).exists()
        )

    def test_it_refuses_a_source_the_policy_does_not_list(self) -> None:
        with self.assertRaisesMessage(CommandError, "not a data source"):
            call_command("account", "grant", "olivia", "interpol", stdout=StringIO())
