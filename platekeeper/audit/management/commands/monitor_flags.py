"""Flag new searches and exports and tell the auditors (scheduled every 5 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from platekeeper.audit import monitor
from platekeeper.policy.models import current_rules


class Command(BaseCommand):
    help = "Raise monitoring flags on the accesses recorded since the last run."

    def handle(self, *args: Any, **options: Any) -> None:
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        raised = monitor.run(found[1])
        self.stdout.write(f"{len(raised)} flagged accesses")
