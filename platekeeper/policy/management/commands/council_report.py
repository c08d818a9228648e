"""Write the annual ALPR report for the city council (PDF, counts only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from platekeeper.policy import council, transparency


class Command(BaseCommand):
    help = "Write the year's ALPR figures by month, beside the year before, as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--out", required=True, help="the PDF file to write")

    def handle(self, *args: Any, **opts: Any) -> None:
        agency = transparency.reporting_agency()
        if agency is None:
            raise CommandError(
                "no agency with PLATEKEEPER_AGENCY_ORI: run platekeeper setup"
            )
        try:
            Path(opts["out"]).write_bytes(council.pdf(agency, opts["year"]))
        except OSError as exc:
            raise CommandError(f"cannot write {opts['out']}: {exc.strerror}") from exc
        self.stdout.write(
            f"wrote the {opts['year']} report for {agency.name} to {opts['out']}"
        )
