"""Benchmarks: each figure is measured beside a baseline from the same run.

The machines this runs on are shared, so absolute times drift; the ratio to a
baseline measured a moment earlier on the same database does not.
"""

from __future__ import annotations

import json
import os
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
    """The same rows as ingest stores, by executemany in one transaction, no ORM."""
    when = connection.ops.adapt_datetimefield_value
    received = when(now)
    with transaction.atomic(), connection.cursor() as cursor:
        ids = _plate_ids(cursor, {plates.normalize(r.plate) for r in batch})
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
    """Fill the database to `size` reads of a simulated year (kept between runs)."""
    have = PlateRead.objects.count()
    if have >= size:
        return
    cameras = bench_cameras(bench_agency())
    town = Town(seed=have + 1)
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


# -- ingest ---------------------------------------------------------------------


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


WARM_UP = 4  # batches


def ingest(count: int, batch_size: int = 500, rounds: int = 4) -> Figures:
    """API ingest and the plain insert, in alternating rounds on the same database,
    so that both see the same machine load and the same table sizes."""
    cameras = bench_cameras(bench_agency())
    camera = next(iter(cameras.values()))
    key = camera.new_key()
    camera.save()
    now = timezone.now()
    api_chunks = list(
        batches(
            Town(seed=int(time.time())).reads(
                now - timedelta(hours=1),
                count + WARM_UP * batch_size,
                timedelta(hours=1),
            ),
            batch_size,
        )
    )
    plain_chunks = list(
        batches(
            Town(seed=int(time.time()) + 1).reads(
                now - timedelta(hours=1), count, timedelta(hours=1)
            ),
            batch_size,
        )
    )
    # Bodies are encoded before the clock starts: the figure is the server's.
    bodies = [json.dumps([r.as_json() for r in chunk]).encode() for chunk in api_chunks]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    per_round = max(1, len(plain_chunks) // rounds)
    api_seconds = plain_seconds = 0.0
    with Server() as url, httpx.Client(base_url=url, timeout=60) as client:
        # The baseline's connection is warm from the prefill; bring the server's
        # page cache to the same steady state before measuring.
        for body in bodies[:WARM_UP]:
            post(client, body, headers)
        for r in range(rounds):
            part = slice(r * per_round, (r + 1) * per_round)
            t0 = time.perf_counter()
            for body in bodies[WARM_UP:][part]:
                post(client, body, headers)
            api_seconds += time.perf_counter() - t0
            t0 = time.perf_counter()
            for batch in plain_chunks[part]:
                plain_insert(batch, cameras, timezone.now())
            plain_seconds += time.perf_counter() - t0
    measured = sum(len(c) for c in plain_chunks[: rounds * per_round])
    api_rate, plain_rate = measured / api_seconds, measured / plain_seconds
    return {
        "ingest_api_reads_per_s": round(api_rate),
        "ingest_plain_insert_reads_per_s": round(plain_rate),
        "ingest_api_vs_plain_ratio": round(api_rate / plain_rate, 3),
        "ingest_reads_measured": measured,
    }


def post(client: httpx.Client, body: bytes, headers: dict[str, str]) -> None:
    response = client.post("/api/v1/reads", content=body, headers=headers)
    if response.status_code != 200 or response.json()["rejected"]:
        raise RuntimeError(
            f"ingest failed: {response.status_code} {response.text[:300]}"
        )


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


def ingest_group(opts: dict[str, Any]) -> Figures:
    return ingest(opts["ingest_reads"])


# -- search -----------------------------------------------------------------------


def bench_detective(agency: Agency) -> Any:
    from django.contrib.auth.models import User

    from platekeeper.accounts.models import Profile

    user, created = User.objects.get_or_create(username="bench-detective")
    if created:
        Profile.objects.create(user=user, agency=agency, job_title="Detective")
    return user


def sample_plates(n: int) -> list[str]:
    """Plates that have reads, spread over the distinct-plate table."""
    last = Plate.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: list[str] = []
    for start in range(1, last + 1, max(1, last // n)):  # ids are sparse: probe
        plate = (
            Plate.objects.filter(id__gte=start)
            .order_by("id")
            .values_list("plate", flat=True)
            .first()
        )
        if plate is not None and plate not in found:
            found.append(plate)
    return found[:n]


def search_group(opts: dict[str, Any]) -> Figures:
    from django.test import Client

    from platekeeper.search import queries

    agency = bench_agency()
    user = bench_detective(agency)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["banner_acknowledged"] = True
    session.save()
    plates_ = sample_plates(200)
    form = {"purpose": "criminal_investigation", "case_number": "BENCH-1"}

    def web(plate: str) -> None:
        response = client.post("/search/", {**form, "plate": plate})
        if response.status_code != 200:
            raise RuntimeError(f"search failed: {response.status_code}")

    def bare(plate: str) -> None:
        reads = queries.exact_plate_query(PlateRead.objects.visible_to(user), plate)
        sql, params = reads.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    web_ms, sql_ms = [], []
    for plate in plates_[:10]:  # warm the caches both ways
        web(plate)
        bare(plate)
    for plate in plates_:
        web_ms.append(_timed(web, plate))
        sql_ms.append(_timed(bare, plate))
    return {
        "search_exact_p50_ms": p50_ms(web_ms),
        "search_exact_sql_p50_ms": p50_ms(sql_ms),
        "search_exact_p95_ms": round(sorted(web_ms)[int(len(web_ms) * 0.95)] * 1000, 2),
        "search_plates_measured": len(plates_),
    }


def _timed(fn: Callable[[str], None], arg: str) -> float:
    t0 = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t0
