"""platekeeper backup FOLDER: a consistent copy of the SQLite database and the
image and document stores, taken while the service runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from platekeeper.service import backup


class Command(BaseCommand):
    help = "Back up the SQLite database and the image and document stores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a new, empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.backup(options["folder"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backed up to {options['folder']} at {manifest['taken_at']} "
            f"({manifest['files']} image and document files)"
        )
