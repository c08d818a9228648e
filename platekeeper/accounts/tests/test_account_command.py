from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase


def create(username: str, *args: str) -> str:
    out = StringIO()
    call_command(
        "account", "create", username, "--agency", "CA0194200", *args, stdout=out
    )
    return out.getvalue()


class AccountCommandTestCase(BaseTestCase):
    def test_it_creates_an_individual_account_and_records_it(self) -> None:
        out = create("rita", "--title", "Detective", "--affiliation", "contractor")
        self.assertIn("one-time password (shown once)", out)
        rita = User.objects.get(username="rita")
        self.assertEqual(
            (rita.profile.job_title, rita.profile.affiliation),
            ("Detective", "contractor"),
        )
        self.assertTrue(rita.password.startswith(("md5$", "argon2$")))
        entry = AccessRecord.objects.filter(action=Action.ACCOUNT_CREATED).last()
        assert entry is not None
        self.assertEqual(entry.criteria["username"], "rita")

    def test_it_warns_of_a_title_the_policy_does_not_list(self) -> None:
        self.assertIn("can do nothing", create("pat", "--title", "Parking Enforcement"))

    def test_it_refuses_a_taken_username_or_an_unknown_agency(self) -> None:
        with self.assertRaisesMessage(CommandError, "taken"):
            create("dave", "--title", "Detective")
        with self.assertRaisesMessage(CommandError, "no agency"):
            call_command(
                "account",
                "create",
                "x",
                "--agency",
                "XX",
                "--title",
                "Detective",
                stdout=StringIO(),
            )

    @pytest.mark.requirement("R1")
    def test_it_does_not_reuse_a_removed_accounts_username_within_a_year(self) -> None:
        User.objects.get(username="otto").delete()
        with self.assertRaisesMessage(CommandError, "not reused"):
            call_command(
                "account",
                "create",
                "otto",
                "--agency",
                "CA0194300",
                "--title",
                "Detective",
                stdout=StringIO(),
            )
        with time_machine.travel(timezone.now() + timedelta(days=366), tick=False):
            self.assertIn("created", create("otto", "--title", "Detective"))
