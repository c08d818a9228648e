"""Announce waiting alerts by e-mail or webhook (scheduled every minute; off by default)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from platekeeper.hotlists import notify


class Command(BaseCommand):
    help = "Tell the configured e-mail addresses or webhook that alerts are waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notify.deliver()
        if not sent:
            self.stdout.write(
                "alert delivery is off (PLATEKEEPER_ALERT_WEBHOOK_URL, _EMAIL_TO)"
            )
        else:
            self.stdout.write(
                f"sent {sent['webhook']} webhook(s), {sent['email']} e-mail(s)"
            )
