"""Import reads from a CSV or JSON Lines file (backfills from another system)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from platekeeper.reads.importer import Importer, csv_rows, few_collections, jsonl_rows
from platekeeper.reads.models import Camera

SHOWN_BAD_LINES = 50


class Command(BaseCommand):
    help = "Import reads from a CSV or JSONL file; report bad lines by number."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--camera", help="camera for lines that name none")
        parser.add_argument(
            "--format",
            choices=["csv", "jsonl"],
            help="default: from the file's extension",
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--report", type=Path, help="write every bad line's reason here"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        fmt = opts["format"] or (
            "jsonl" if path.suffix in (".jsonl", ".ndjson") else "csv"
        )
        cameras = {
            c.name: c
            for c in Camera.objects.filter(approved=True).select_related("agency")
        }
        default = None
        if opts["camera"]:
            default = cameras.get(opts["camera"])
            if default is None:
                raise CommandError(f"no approved camera named {opts['camera']!r}")
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        importer = Importer(default, cameras, opts["batch_size"])
        rows = csv_rows if fmt == "csv" else jsonl_rows
        with (
            few_collections(),
            stream,
            tqdm(
                total=os.path.getsize(path),
                unit="B",
                unit_scale=True,
                disable=True if opts["no_progress"] else None,
                desc=path.name,
            ) as bar,
        ):
            for number, raw, fields, why in rows(stream):  # type: ignore[arg-type]
                importer.feed(number, raw, fields, why)
                bar.update(len(raw))
        summary = importer.finish()
        self._report(summary, opts["report"])

    def _report(self, summary: Any, report: Path | None) -> None:
        self.stdout.write(
            f"{summary.lines} lines: {summary.stored} stored, {summary.duplicate} already "
            f"there, {len(summary.bad)} bad"
        )
        for number, why in summary.bad[:SHOWN_BAD_LINES]:
            self.stdout.write(f"  line {number}: {why}")
        if len(summary.bad) > SHOWN_BAD_LINES:
            self.stdout.write(
                f"  ... {len(summary.bad) - SHOWN_BAD_LINES} more"
                + (f" in {report}" if report else " (use --report FILE)")
            )
        if report:
            report.write_text("".join(f"line {n}: {why}\n" for n, why in summary.bad))
