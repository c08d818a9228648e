"""Disable accounts unused for PLATEKEEPER_INACTIVE_ACCOUNT_DAYS (daily, by the scheduler)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from platekeeper.accounts import actions
from platekeeper.audit.record import Actor


class Command(BaseCommand):
    help = "Disable accounts that have not been used for the configured number of days."

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.INACTIVE_ACCOUNT_DAYS
        disabled = actions.disable_inactive(
            timezone.now(), days, actor=Actor.system("inactive accounts")
        )
        self.stdout.write(
            f"disabled {len(disabled)} account(s) unused for {days} days"
            + (f": {', '.join(disabled)}" if disabled else "")
        )
