"""New accounts wait for a supervisor (R4); contractors and vendor staff need
their CJIS clearances on file, and their accesses name the vendor (R35)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import checks
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from platekeeper.accounts import lifecycle
from platekeeper.accounts.actions import create_account
from platekeeper.accounts.models import Profile
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor
from platekeeper.test import PASSWORD, BaseTestCase


class ApprovalTestCase(BaseTestCase):
    def create(self, username: str = "nick", **extra: Any) -> Any:
        return create_account(
            username,
            PASSWORD,
            agency=self.hawthorne,
            job_title=str(extra.pop("job_title", "Detective")),
            affiliation=str(extra.pop("affiliation", Profile.Affiliation.MEMBER)),
            actor=Actor.of_user(self.alice),
            **extra,
        )

    @pytest.mark.requirement("R4")
    def test_it_keeps_a_new_account_pending_until_a_supervisor_approves(self) -> None:
        nick = self.create()
        browser = self.password_step("nick")
        self.assertNotIn("_auth_user_id", browser.session)
        self.assertContains(self.last, "waiting for a supervisor")
        call_command("account", "approve", "nick", "--by", "alice", stdout=StringIO())
        self.assertIn("_auth_user_id", self.password_step("nick").session)
        created, approved = AccessRecord.objects.filter(
            action__in=[Action.ACCOUNT_CREATED, Action.ACCOUNT_APPROVED],
            criteria__username="nick",
        ).order_by("id")
        self.assertEqual(
            [(r.action, r.actor_username) for r in (created, approved)],
            [(Action.ACCOUNT_CREATED, "alice"), (Action.ACCOUNT_APPROVED, "alice")],
        )
        self.assertEqual(Profile.objects.get(user=nick).approved_by, self.alice)

    @pytest.mark.requirement("R4")
    def test_it_audits_each_lifecycle_event_with_its_actor(self) -> None:
        self.create()
        out = StringIO()
        call_command("account", "approve", "nick", "--by", "alice", stdout=out)
        call_command("account", "title", "nick", "Police Officer", stdout=out)
        with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
            call_command("disable_inactive_accounts", stdout=out)
        actions = list(
            AccessRecord.objects.filter(criteria__username="nick")
            .order_by("id")
            .values_list("action", "actor_username")
        )
        self.assertEqual(
            actions,
            [
                (Action.ACCOUNT_CREATED, "alice"),
                (Action.ACCOUNT_APPROVED, "alice"),
                (Action.ACCOUNT_CHANGED, "system:account command"),
                (Action.ACCOUNT_DISABLED, "system:inactive accounts"),
            ],
        )

    def test_it_refuses_approval_by_oneself_or_without_account_rights(self) -> None:
        nick = self.create()
        rules = self.policy.parsed
        with self.assertRaisesMessage(lifecycle.Refused, "own account"):
            lifecycle.approve(nick, approver=nick, rules=rules)
        with self.assertRaisesMessage(lifecycle.Refused, "may not approve"):
            lifecycle.approve(nick, approver=self.dave, rules=rules)
        otto_admin = self.person("ingrid", self.inglewood, "ALPR Administrator")
        with self.assertRaisesMessage(lifecycle.Refused, "may not approve"):
            lifecycle.approve(nick, approver=otto_admin, rules=rules)
        with self.assertRaises(CommandError):
            call_command(
                "account", "approve", "nick", "--by", "dave", stdout=StringIO()
            )
        self.assertTrue(Profile.objects.get(user=nick).is_pending)

    @pytest.mark.requirement("R35")
    def test_it_activates_vendor_staff_only_with_clearances_on_file(self) -> None:
        vic = self.create(
            "vic",
            job_title="ALPR Administrator",
            affiliation=Profile.Affiliation.VENDOR,
            employer="Acme ALPR Support",
        )
        with self.assertRaisesMessage(lifecycle.Refused, "CJIS Security Addendum"):
            lifecycle.approve(vic, approver=self.alice, rules=self.policy.parsed)
        Profile.objects.filter(user=vic).update(
            background_check_on=date(2026, 3, 1), security_addendum_on=date(2026, 3, 2)
        )
        lifecycle.approve(vic, approver=self.alice, rules=self.policy.parsed)
        self.assertFalse(Profile.objects.get(user=vic).is_pending)

    @pytest.mark.requirement("R35")
    def test_it_names_the_vendor_in_a_support_logins_access_records(self) -> None:
        self.create(
            "vic",
            job_title="ALPR Administrator",
            affiliation=Profile.Affiliation.VENDOR,
            employer="Acme ALPR Support",
            background_check_on=date(2026, 3, 1),
            security_addendum_on=date(2026, 3, 2),
        )
        call_command("account", "approve", "vic", "--by", "alice", stdout=StringIO())
        self.password_step("vic")
        login = AccessRecord.objects.get(action=Action.LOGIN, actor_username="vic")
        self.assertEqual(
            login.actor_agency,
            "Acme ALPR Support (Vendor staff for Hawthorne Police Department)",
        )
        self.assertEqual(login.actor_agency_ori, "CA0194200")

    @pytest.mark.requirement("R35")
    def test_it_refuses_to_start_with_a_region_outside_the_united_states(self) -> None:
        for region, errors in (("US", 0), ("US-CA", 0), ("EU-WEST-1", 1), ("CA", 1)):
            with override_settings(HOSTING_REGION=region):
                found = [m for m in checks.run_checks() if m.id == "platekeeper.E001"]
            self.assertEqual(len(found), errors, region)
