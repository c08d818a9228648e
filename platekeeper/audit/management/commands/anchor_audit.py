"""Write today's audit anchor and yesterday's audit report (scheduled daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from platekeeper.audit import anchors, daily
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import AuditRules


class Command(BaseCommand):
    help = "Anchor the audit chain's head and write the daily audit report (data dir, e-mail)."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        anchor = anchors.write(now)
        if anchor is None:
            self.stdout.write("the audit log is empty: nothing to anchor")
        else:
            self.stdout.write(
                f"anchored entry {anchor['id']} ({anchor['hash'][:12]}…) in {anchors.path()}"
            )
        found = current_rules()
        rules = found[1].audits if found else AuditRules()
        self.stdout.write(f"daily report: {daily.write(now, rules, anchor)}")
