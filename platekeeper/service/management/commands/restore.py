"""platekeeper restore FOLDER: a backup into an empty data directory, with every
purge made since the backup applied again before anything is served (R25).
Run it with the service stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from platekeeper.retention import ledger
from platekeeper.service import backup


class Command(BaseCommand):
    help = "Restore a backup; purges made since it was taken are applied again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.restore(options["folder"])
        except (backup.BackupError, ledger.LedgerDamaged, OSError) as exc:
            raise CommandError(str(exc)) from exc
        # A backup from an older release: its tables brought up to this one.
        call_command("migrate", interactive=False, verbosity=0)
        counts = backup.reapply_purges(manifest)
        self.stdout.write(
            f"restored the backup of {manifest['taken_at']}; purged again: "
            f"{counts['reapplied_reads']} reads deleted since the backup, "
            f"{counts['then_purged_reads']} expired since"
        )
