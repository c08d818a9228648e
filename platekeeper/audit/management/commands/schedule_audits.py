"""Open the audits that are due and escalate the overdue ones (scheduled daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit import audits
from platekeeper.policy.models import current_rules


class Command(BaseCommand):
    help = "Open due search audits and weekly security-log reviews; escalate overdue audits."

    def handle(self, *args: Any, **options: Any) -> None:
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        rules, now = found[1], timezone.now()
        for agency in Agency.objects.filter(profile__isnull=False).distinct():
            for opened in (
                audits.open_search_audit(agency, rules, now),
                audits.open_security_review(agency, rules, now),
            ):
                if opened is not None:
                    self.stdout.write(
                        f"opened {opened} for {agency.ori}: {opened.items.count()} items, "
                        f"auditor {opened.auditor.username}"
                    )
        for late in audits.escalate_overdue(rules, now):
            self.stdout.write(f"escalated overdue {late} ({late.agency.ori})")
