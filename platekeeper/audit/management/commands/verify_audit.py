"""Walk the audit log's hash chain and check its triggers; exit 1 naming the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from platekeeper.audit import anchors, triggers
from platekeeper.audit.verify import first_break


class Command(BaseCommand):
    help = "Verify that the audit log is unbroken and still protected by its triggers."

    def handle(self, *args: Any, **options: Any) -> None:
        missing = triggers.missing()
        if missing:
            raise CommandError(
                f"audit log triggers missing: {', '.join(sorted(missing))}"
            )
        checked, problem = first_break()
        if problem:
            raise CommandError(problem)
        if problem := anchors.broken():
            raise CommandError(f"{problem} (daily anchor, {anchors.path()})")
        self.stdout.write(
            f"audit log intact: {checked} entries, triggers in place, anchors hold"
        )
