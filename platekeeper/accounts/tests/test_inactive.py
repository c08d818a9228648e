from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.test import BaseTestCase


class InactiveAccountsTestCase(BaseTestCase):
    @pytest.mark.requirement("R5")
    def test_it_disables_an_account_unused_for_ninety_days(self) -> None:
        start = timezone.now()
        with time_machine.travel(start + timedelta(days=85), tick=False):
            self.password_step(
                "dave"
            )  # Dave used the system on day 85; Olivia never did
        with time_machine.travel(start + timedelta(days=91), tick=False):
            out = StringIO()
            call_command("disable_inactive_accounts", stdout=out)
            self.assertIn("olivia", out.getvalue())
            self.assertNotIn("dave", out.getvalue())
            browser = self.password_step("olivia")
            self.assertNotIn("_auth_user_id", browser.session)
            self.assertContains(self.last, "This account is disabled")
            self.assertIn("_auth_user_id", self.password_step("dave").session)
        self.assertFalse(User.objects.get(username="olivia").is_active)
        entry = AccessRecord.objects.filter(
            action=Action.ACCOUNT_DISABLED, criteria__username="olivia"
        ).get()
        self.assertEqual(entry.reason, "unused for 90 days")

    @pytest.mark.requirement("R5")
    def test_it_ends_a_disabled_users_open_session(self) -> None:
        browser = self.login(self.olivia)
        self.assertEqual(browser.get("/search/").status_code, 200)
        with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
            call_command("disable_inactive_accounts", stdout=StringIO())
        r = browser.get("/search/")
        self.assertRedirects(r, "/login/?next=/search/", fetch_redirect_response=False)

    def test_it_leaves_recent_accounts_alone(self) -> None:
        with time_machine.travel(timezone.now() + timedelta(days=89), tick=False):
            out = StringIO()
            call_command("disable_inactive_accounts", stdout=out)
        self.assertIn("disabled 0", out.getvalue())
        self.assertEqual(User.objects.filter(is_active=False).count(), 0)

    def test_it_is_a_daily_job_of_the_scheduler(self) -> None:
        from platekeeper.service.scheduler import DAY, JOBS

        [job] = [j for j in JOBS if j.command == "disable_inactive_accounts"]
        self.assertEqual(job.interval_seconds, DAY)
