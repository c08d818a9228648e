"""`import_reads` on a CSV backfill, beside a plain insert of the same rows."""

from __future__ import annotations

import csv
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from platekeeper.reads.simulator import SimRead, Town
from platekeeper.service.bench.common import (
    Figures,
    batches,
    bench_agency,
    bench_cameras,
    fresh_seed,
    plain_insert,
)

# Rows per transaction, the same for the import and the baseline.
BATCH = 1000
COLUMNS = [
    "event_id",
    "camera",
    "plate",
    "confidence",
    "captured_at",
    "state",
    "latitude",
    "longitude",
    "heading",
    "vehicle_make",
    "vehicle_color",
    "vehicle_type",
]


def _row(read: SimRead) -> list[Any]:
    return [
        read.event_id,
        f"Bench: {read.camera}",
        read.plate,
        read.confidence,
        read.captured_at.isoformat(),
        read.state,
        read.latitude,
        read.longitude,
        read.heading,
        read.vehicle.make,
        read.vehicle.color,
        read.vehicle.type,
    ]


def write_csv(path: Path, reads: list[SimRead]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(_row(r) for r in reads)


def import_group(opts: dict[str, Any], rounds: int = 4) -> Figures:
    cameras = bench_cameras(bench_agency())
    rows = opts["import_rows"]
    start = timezone.now() - timedelta(hours=3)
    seed = fresh_seed()
    import_seconds = plain_seconds = 0.0
    folder = Path(tempfile.mkdtemp(prefix="pk-bench-import-"))
    per_round = rows // rounds
    for r in range(rounds):
        town = Town(seed=seed + r)
        reads = list(
            town.reads(
                start + r * timedelta(minutes=30), per_round, timedelta(minutes=30)
            )
        )
        path = folder / f"backfill-{r}.csv"
        write_csv(path, reads)
        # The same rows again as new events for the baseline (a suffix, not a
        # prefix, keeps their receipts among the same keys of the receipt index).
        # Whichever goes first also adds the rows' new distinct plates, so they
        # take turns.
        same = [replace(read, event_id=read.event_id + "-plain") for read in reads]
        for step in ("import", "plain") if r % 2 == 0 else ("plain", "import"):
            t0 = time.perf_counter()
            if step == "import":
                call_command(
                    "import_reads",
                    str(path),
                    "--no-progress",
                    "--batch-size",
                    str(BATCH),
                    stdout=StringIO(),
                )
                import_seconds += time.perf_counter() - t0
            else:
                for batch in batches(iter(same), BATCH):
                    plain_insert(batch, cameras, timezone.now())
                plain_seconds += time.perf_counter() - t0
        path.unlink()
    measured = per_round * rounds
    import_rate, plain_rate = measured / import_seconds, measured / plain_seconds
    return {
        "import_csv_reads_per_s": round(import_rate),
        "import_plain_insert_reads_per_s": round(plain_rate),
        "import_vs_plain_ratio": round(import_rate / plain_rate, 3),
        "import_rows_measured": measured,
    }
