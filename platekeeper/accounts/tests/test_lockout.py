from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from platekeeper.accounts.models import Profile
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import PASSWORD, BaseTestCase


class LockoutTestCase(BaseTestCase):
    def sign_in(self, password: str, username: str = "dave") -> Client:
        browser = Client(REMOTE_ADDR="198.51.100.7")
        browser.post("/login/", {"acknowledge": "1"})
        self.last = browser.post(
            "/login/", {"username": username, "password": password}
        )
        return browser

    def signed_in(self, browser: Client) -> bool:
        return "_auth_user_id" in browser.session

    @pytest.mark.requirement("R7")
    def test_it_locks_after_five_failures_until_an_administrator_releases_it(
        self,
    ) -> None:
        for _ in range(5):
            self.sign_in("wrong password")
        self.assertFalse(self.signed_in(self.sign_in(PASSWORD)))
        self.assertContains(
            self.last, "Account locked", status_code=self.last.status_code
        )
        self.assertIsNotNone(Profile.objects.get(user=self.dave).locked_at)
        # Axes' own lock lapses after 15 minutes; the account's does not.
        with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
            self.assertFalse(self.signed_in(self.sign_in(PASSWORD)))
            call_command("account", "unlock", "dave", stdout=StringIO())
            self.assertTrue(self.signed_in(self.sign_in(PASSWORD)))
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.ACCOUNT_LOCKED, actor_username="dave"
            ).exists()
        )
        self.assertTrue(
            AccessRecord.objects.filter(action=Action.ACCOUNT_UNLOCKED).exists()
        )

    @pytest.mark.requirement("R7")
    def test_it_counts_only_consecutive_failures(self) -> None:
        for _ in range(4):
            self.sign_in("wrong password")
        self.assertTrue(self.signed_in(self.sign_in(PASSWORD)))
        for _ in range(4):
            self.sign_in("wrong password")
        self.assertTrue(self.signed_in(self.sign_in(PASSWORD)))
        self.assertIsNone(Profile.objects.get(user=self.dave).locked_at)

    @pytest.mark.requirement("R7")
    def test_it_forgets_failures_older_than_fifteen_minutes(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(4):
                self.sign_in("wrong password")
            clock.shift(timedelta(minutes=16))
            self.sign_in("wrong password")
            self.assertTrue(self.signed_in(self.sign_in(PASSWORD)))

    def test_it_locks_one_account_not_its_neighbours(self) -> None:
        for _ in range(5):
            self.sign_in("wrong password")
        self.assertTrue(self.signed_in(self.sign_in(PASSWORD, username="olivia")))

    @pytest.mark.requirement("R17")
    def test_it_records_a_failed_sign_in_with_source_and_sub_second_time(self) -> None:
        self.sign_in("wrong password")
        failed = AccessRecord.objects.filter(action=Action.LOGIN_FAILED).last()
        assert failed is not None
        self.assertEqual(
            (failed.actor_username, failed.outcome, failed.client_address),
            ("dave", "denied", "198.51.100.7"),
        )
        self.assertEqual(failed.actor_agency, "Hawthorne Police Department")
        self.assertNotEqual(failed.at.microsecond, 0)  # 1/100 s or finer (AU-8)
        self.assertNotIn(PASSWORD, str(failed.criteria))

    @pytest.mark.requirement("R17")
    def test_it_records_sign_in_and_sign_out(self) -> None:
        browser = self.sign_in(PASSWORD)
        browser.post("/logout/")
        actions = list(
            AccessRecord.objects.filter(actor_username="dave").values_list(
                "action", flat=True
            )
        )
        self.assertEqual(actions[-2:], [Action.LOGIN, Action.LOGOUT])
