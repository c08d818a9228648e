"""Check an evidence package against its manifest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from platekeeper.retention import packages


class Command(BaseCommand):
    help = (
        "Check every file of an evidence package against the SHA-256 in its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the package's ZIP file")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            with open(opts["file"], "rb") as stream:
                problems = packages.verify(stream)
        except OSError as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc.strerror}") from exc
        if problems:
            raise CommandError(
                "the package does not verify:\n  " + "\n  ".join(problems)
            )
        self.stdout.write(f"{opts['file']}: every file matches its manifest")
