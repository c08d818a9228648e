"""Measure Platekeeper against baselines from the same run; print JSON.

The database is a separate one kept for benchmarks (PLATEKEEPER_DATA_DIR/bench
on SQLite, or --database-url), filled once to --size reads and reused.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GROUPS = [
    "ingest",
    "import",
    "hotlists",
    "search",
    "audit",
    "retention",
    "month",
    "recognition",
]
MARK = "PLATEKEEPER_BENCH_DATABASE"
# Groups that need no pre-filled database.
NO_DATABASE = {"recognition"}


class Command(BaseCommand):
    help = "Run the benchmarks and print one JSON object of figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--json", action="store_true", help="print JSON (the only format)"
        )
        parser.add_argument(
            "--only",
            choices=GROUPS,
            action="append",
            help="run this group (repeatable); default: all built so far",
        )
        parser.add_argument(
            "--size",
            type=int,
            default=1_000_000,
            help="reads in the pre-filled database",
        )
        parser.add_argument(
            "--database-url", help="benchmark on this database (PostgreSQL)"
        )
        parser.add_argument("--ingest-reads", type=int, default=20_000)
        parser.add_argument(
            "--audit-records",
            type=int,
            default=1_000_000,
            help="access records in the month the audit group reports on",
        )
        parser.add_argument(
            "--search-samples",
            type=int,
            default=100,
            help="searches of each kind the search group times",
        )
        parser.add_argument(
            "--hotlist-entries",
            type=int,
            default=1_000_000,
            help="entries in the matcher the hotlists group measures",
        )
        parser.add_argument(
            "--purge-reads",
            type=int,
            default=1_000_000,
            help="expired reads (each with an image) the retention group purges",
        )
        parser.add_argument(
            "--month-reads",
            type=int,
            help="reads in the expired month the month group purges "
            "(PostgreSQL; default: a twelfth of --size)",
        )
        parser.add_argument(
            "--images",
            help="labelled pictures for the recognition group (crops CSV or "
            "openalpr/benchmarks layout)",
        )
        parser.add_argument(
            "--import-rows",
            type=int,
            default=1_000_000,
            help="rows in the CSV backfill the import group loads",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if os.environ.get(MARK) != "1":
            self._reexec(opts)
        from platekeeper.service import bench
        from platekeeper.service.bench.common import log

        groups = opts["only"] or ["ingest", "import", "hotlists", "search", "audit"]
        figures: dict[str, Any] = {}
        if set(groups) - NO_DATABASE:
            call_command("migrate", interactive=False, verbosity=0)
            t0 = time.monotonic()
            bench.prefill(opts["size"], log)
            figures["prefill_seconds"] = round(time.monotonic() - t0, 1)
        for group in groups:
            runner = getattr(bench, f"{group}_group", None)
            if runner is None:
                raise CommandError(f"the {group!r} benchmarks are not built yet")
            log(f"running {group}")
            figures.update(runner(opts))
        if set(groups) - NO_DATABASE:
            figures.update(bench.database_figures())
        self.stdout.write(json.dumps(figures, indent=2))

    def _reexec(self, opts: dict[str, Any]) -> None:
        """Run again with the settings pointed at the benchmark database."""
        env = os.environ.copy()
        env[MARK] = "1"
        if opts["database_url"]:
            env["DATABASE_URL"] = opts["database_url"]
        else:
            env.pop("DATABASE_URL", None)
            env["PLATEKEEPER_DATA_DIR"] = str(Path(settings.DATA_DIR) / "bench")
        # The plate reader's files stay where this process found them.
        env.setdefault("PLATEKEEPER_MODEL_DIR", str(settings.MODEL_DIR))
        os.execve(
            sys.executable, [sys.executable, "-m", "platekeeper", *sys.argv[1:]], env
        )
