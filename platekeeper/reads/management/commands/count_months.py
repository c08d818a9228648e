"""Count the reads of every month that has ended by plate and agency, for the
capped count of partial-plate searches (PostgreSQL, daily job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from platekeeper.reads import monthcounts, partitions


class Command(BaseCommand):
    help = "Count each ended month's reads by plate and agency (PostgreSQL)."

    def handle(self, *args: Any, **opts: Any) -> None:
        if not partitions.partitioned():
            self.stdout.write(
                "reads are not partitioned here (SQLite): nothing to count"
            )
            return
        for month in monthcounts.count_and_settle(timezone.now()):
            self.stdout.write(f"counted {month}")
