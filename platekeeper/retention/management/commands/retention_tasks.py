"""Escalate holds past their review date and open the two-yearly retention
review when it falls due (scheduled daily)."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from platekeeper.accounts.access import holders
from platekeeper.accounts.models import Agency
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.retention import actions, review


class Command(BaseCommand):
    help = "Escalate overdue legal holds; open retention reviews that are due."

    def handle(self, *args: Any, **opts: Any) -> None:
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        rules, now = found[1], timezone.now()
        for hold in actions.escalate_overdue(rules, now):
            self.stdout.write(f"escalated {hold} (review was due {hold.review_on})")
        for agency in Agency.objects.filter(profile__isnull=False).distinct():
            task = review.open_when_due(agency, timezone.localdate(now))
            if task is None:
                continue
            self.stdout.write(f"opened {task} for {agency.ori}")
            custodians = holders(agency, Capability.MANAGE_RETENTION, rules)
            addresses = [u.email for u in custodians if u.email]
            if addresses:
                send_mail(
                    "Platekeeper: retention is due for its two-yearly review",
                    "Retention periods are to be re-evaluated against what is actually "
                    "searched (State Auditor 2019-118). The review page shows the ages "
                    "of the reads searched since the last review.",
                    None,
                    addresses,
                )
