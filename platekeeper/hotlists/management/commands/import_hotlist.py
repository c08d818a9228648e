"""`platekeeper import_hotlist NAME FILE --agency ORI [--layout L]`: the name the
runbooks use for `platekeeper hotlist import`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Replace a hot list's entries from a file (same as `hotlist import`)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="the owning agency's ORI")
        parser.add_argument(
            "--layout", default="csv", help="a built-in layout or a JSON file"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command(
            "hotlist",
            "import",
            opts["name"],
            str(opts["file"]),
            "--agency",
            opts["agency"],
            "--layout",
            opts["layout"],
            stdout=self.stdout,
        )
