"""Make the reads' monthly partitions ahead of time on PostgreSQL (daily job),
and list them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from platekeeper.reads import partitions


class Command(BaseCommand):
    help = "Make this month's and the next months' read partitions (PostgreSQL); list them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--list", action="store_true", help="also list each month and its reads"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not partitions.partitioned():
            self.stdout.write(
                "reads are not partitioned here (SQLite): the purge deletes row by row"
            )
            return
        for month in partitions.ensure_ahead(timezone.now()):
            self.stdout.write(f"made {month.table}")
        if opts["list"]:
            with connection.cursor() as cursor:
                for month in partitions.months():
                    # Planner statistics, not a count: listing must not scan months.
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                        [month.table],
                    )
                    estimate = max(0, cursor.fetchone()[0])
                    self.stdout.write(f"{month}  {month.table}  ~{estimate:,} reads")
