"""What the benchmark groups share: the bench agency and cameras, the
prefill, the plain-insert baseline, the server process."""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from django.db import connection, transaction
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.record import Actor
from platekeeper.lib import plates
from platekeeper.policy.actions import publish_profile
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.profiles import rules_for
from platekeeper.reads.models import Camera, IngestReceipt, Plate, PlateRead
from platekeeper.reads.simulator import SimRead, Town

ACTOR = Actor.system("bench")


def log(message: str) -> None:
    """Progress on stderr: stdout carries only the JSON."""
    print(message, file=sys.stderr, flush=True)  # noqa: T201


def fresh_seed() -> int:
    """A town no earlier run used: its event ids must not collide with stored ones."""
    return secrets.randbelow(2**31)


Figures = dict[str, Any]


def bench_agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(
        ori="CA0000000",
        defaults={
            "name": "Bench Police Department",
            "type": Agency.Type.LAW_ENFORCEMENT,
            "level": Agency.Level.LOCAL,
            "state": "CA",
        },
    )
    if PolicyVersion.objects.current() is None:
        publish_profile(rules_for("california"), actor=ACTOR, note="bench")
    return agency


def bench_cameras(agency: Agency) -> dict[str, Camera]:
    out = {}
    for name in Town(vehicles=1).cameras:
        camera, _ = Camera.objects.get_or_create(
            agency=agency, name=f"Bench: {name}", defaults={"approved": True}
        )
        out[name] = camera
    return out


# -- bulk loading (the prefill, and the plain-insert baseline) ----------------


def _plate_ids(cursor: Any, texts: set[str]) -> dict[str, int]:
    rows = [(p, plates.misread_key(p), plates.reverse(p)) for p in texts]
    conflict = "ON CONFLICT (plate) DO NOTHING"
    cursor.executemany(
        f"INSERT INTO reads_plate (plate, misread_key, plate_reversed) VALUES (%s, %s, %s) "
        f"{conflict}",
        rows,
    )
    marks = ",".join(["%s"] * len(texts))
    cursor.execute(
        f"SELECT plate, id FROM reads_plate WHERE plate IN ({marks})", list(texts)
    )
    return dict(cursor.fetchall())


def plain_insert(
    batch: list[SimRead], cameras: dict[str, Camera], now: datetime
) -> None:
    """The same rows as ingest stores (reads, receipts, OCR candidates), by
    executemany in one transaction, no ORM."""
    when = connection.ops.adapt_datetimefield_value
    received = when(now)
    with transaction.atomic(), connection.cursor() as cursor:
        others = [
            {plates.normalize(p) for p, _ in r.candidates} - {plates.normalize(r.plate)}
            for r in batch
        ]
        ids = _plate_ids(
            cursor, {plates.normalize(r.plate) for r in batch}.union(*others)
        )
        read_rows = [
            (
                ids[plates.normalize(r.plate)],
                r.plate,
                r.state,
                0.9,
                r.confidence,
                when(r.captured_at),
                received,
                r.latitude,
                r.longitude,
                r.heading,
                cameras[r.camera].id,
                r.vehicle.make,
                r.vehicle.color,
                r.vehicle.type,
                "generic",
                json.dumps([{"plate": p, "confidence": c} for p, c in r.candidates]),
                "",
                "",
                "{}",
                "{}",
            )
            for r in batch
        ]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM reads_plateread")
        first_id = cursor.fetchone()[0] + 1
        cursor.executemany(
            "INSERT INTO reads_plateread (plate_id, plate_text, state, state_confidence, "
            "confidence, captured_at, received_at, latitude, longitude, heading, camera_id, "
            "vehicle_make, vehicle_color, vehicle_type, source_format, candidates, "
            "plate_image, overview_image, vehicle_attributes, details) VALUES "
            "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            read_rows,
        )
        # Ids are consecutive: this transaction holds the write lock (SQLite)
        # and the bench is the only writer (PostgreSQL).
        cursor.executemany(
            "INSERT INTO reads_ingestreceipt (camera_id, event_id, read_id, received_at) "
            "VALUES (%s, %s, %s, %s)",
            [
                (cameras[r.camera].id, r.event_id, first_id + i, received)
                for i, r in enumerate(batch)
            ],
        )
        cursor.executemany(
            "INSERT INTO reads_readcandidate (read_id, plate_id, captured_at) "
            "VALUES (%s, %s, %s)",
            [
                (first_id + i, ids[text], when(r.captured_at))
                for i, r in enumerate(batch)
                for text in others[i]
            ],
        )


def batches(reads: Iterator[SimRead], size: int) -> Iterator[list[SimRead]]:
    batch: list[SimRead] = []
    for read in reads:
        batch.append(read)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def prefill(size: int, log: Callable[[str], None]) -> None:
    """Fill the database to `size` reads of a simulated year (kept between runs):
    on SQLite the simulator's town through the plain insert, on PostgreSQL a
    region loaded with COPY (bench.bulk)."""
    if connection.vendor == "postgresql":
        from platekeeper.reads import monthcounts
        from platekeeper.service.bench import bulk

        bulk.load(size, log)
        # What the daily job has done on a running deployment (decision 0021).
        t0 = time.monotonic()
        if counted := monthcounts.count_and_settle(timezone.now()):
            log(f"counted {len(counted)} months ({time.monotonic() - t0:.1f}s)")
        return
    have = PlateRead.objects.count()
    if have >= size:
        return
    cameras = bench_cameras(bench_agency())
    # A vehicle for every five reads: ten million reads of a region see about
    # two million distinct plates (through traffic), not a small town's 20,000.
    town = Town(seed=have + 1, vehicles=max(20_000, (size - have) // 5))
    start = timezone.now() - timedelta(days=365)
    done, t0 = have, time.monotonic()
    for batch in batches(town.reads(start, size - have, timedelta(days=360)), 5000):
        plain_insert(batch, cameras, timezone.now())
        done += len(batch)
        if done % 100_000 < 5000:
            log(f"prefill: {done:,} reads ({time.monotonic() - t0:.0f}s)")
    # After a bulk load the planner's statistics describe an empty table: on
    # PostgreSQL a plate search then walked a camera's 130,000 reads (1.3 s)
    # instead of probing the plate index (0.5 ms). A running deployment gets
    # the same from autovacuum.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The web app in its own process, one uvicorn worker, as `serve` runs it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "platekeeper.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                # Open alert streams never finish on their own: stop waiting for them.
                "--timeout-graceful-shutdown",
                "3",
                "--log-level",
                "warning",
            ],
            env=os.environ.copy(),
        )

    def __enter__(self) -> str:
        url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                httpx.get(url + "/healthz", timeout=1)
                return url
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("bench server did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)


def database_figures() -> Figures:
    return {
        "database": connection.vendor,
        "reads_in_database": PlateRead.objects.count(),
        "distinct_plates": Plate.objects.count(),
        "receipts": IngestReceipt.objects.count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def p50_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)
