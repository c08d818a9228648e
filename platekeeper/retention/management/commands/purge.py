"""Purge what the Policy's retention says is expired (scheduled every minute;
runs at the cadence the Policy sets, see Rules.purge_every)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from platekeeper.policy.models import current_rules
from platekeeper.retention import purge


class Command(BaseCommand):
    help = (
        "Delete expired reads, images, hits and entries (holds and open alerts kept)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would go; change nothing"
        )
        parser.add_argument(
            "--if-due",
            action="store_true",
            help="only when the Policy's purge cadence calls for a run (the scheduler)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        now = timezone.now()
        if opts["if_due"] and not purge.due(found[1], now):
            return
        done = purge.run(now, dry_run=opts["dry_run"])
        verb = "would purge" if done.dry_run else "purged"
        self.stdout.write(
            f"{verb} {done.reads} reads captured before {done.reads_cutoff:%Y-%m-%d %H:%M %Z}, "
            f"{done.images} images, {done.hits} hits, {done.alerts} alerts, "
            f"{done.entries} hot-list entries; {done.held_kept} expired reads kept "
            "(held, or an alert still needs them)"
        )
        if not found[1].destruction_authority:
            self.stderr.write(
                "warning: the Policy names no destruction authority "
                "(Gov. Code 34090.6: council resolution and city attorney's consent)"
            )
