"""Write today's audit anchor (scheduled daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from platekeeper.audit import anchors


class Command(BaseCommand):
    help = "Append the audit chain's head to the anchor file in the data directory."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = anchors.write(timezone.now())
        if anchor is None:
            self.stdout.write("the audit log is empty: nothing to anchor")
        else:
            self.stdout.write(
                f"anchored entry {anchor['id']} ({anchor['hash'][:12]}…) in {anchors.path()}"
            )
