"""Fill a PostgreSQL bench database with tens or hundreds of millions of reads
through COPY (issue 13: "100,000,000 reads loaded with COPY").

The simulator's town makes a read at a time in Python (about 7,000 a second
with the plain insert); a region's year of reads is made here a million at a
time with numpy and sent with COPY. The region: the town's fixed cameras;
vehicles seen again and again (drawn with a skew toward the first ones; how
many: `_vehicles`); California plates (DLLLDDD, made from the vehicle's number
by a bijection, so no two vehicles share a plate); capture times spread evenly
over the year before last week.

Into an empty reads table the indexes, key and foreign keys are dropped for
the load and built once after it (and checked: a foreign key added back is
validated against every row), which takes the 100,000,000-read load from
hours to well under one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from platekeeper.lib.plates import _MISREAD
from platekeeper.reads import partitions, relayout
from platekeeper.reads.simulator import COLORS, FIXED_CAMERAS, MAKES, TYPES
from platekeeper.service.bench.common import bench_agency, bench_cameras

CHUNK = 1_000_000
# California's layout DLLLDDD holds this many plates.
SPACE = 10 * 26**3 * 1000
# Coprime with SPACE: k -> k * STRIDE mod SPACE is a bijection.
STRIDE = 1_000_003
COLUMNS = (
    "plate_id, plate_text, state, state_confidence, confidence, captured_at, "
    "received_at, latitude, longitude, heading, camera_id, vehicle_make, "
    "vehicle_color, vehicle_type, source_format, candidates, plate_image, "
    "overview_image, vehicle_attributes, details"
)


def plate_texts(vehicles: np.ndarray) -> np.ndarray:
    """The plates of these vehicle numbers, as an (n, 7) uint8 array."""
    code = (vehicles.astype(np.int64) * STRIDE) % SPACE
    out = np.empty((len(vehicles), 7), dtype=np.uint8)
    for col in (6, 5, 4):
        out[:, col] = ord("0") + code % 10
        code //= 10
    for col in (3, 2, 1):
        out[:, col] = ord("A") + code % 26
        code //= 26
    out[:, 0] = ord("0") + code % 10
    return out


def _strings(chars: np.ndarray) -> list[str]:
    return chars.copy().view("S7").ravel().astype("U7").tolist()  # type: ignore[no-any-return]


def _misread_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint8)
    for source, target in _MISREAD.items():
        table[source] = target if isinstance(target, int) else ord(target)
    return table


def _vehicles(reads: int) -> int:
    """A vehicle for every five reads up to ten million reads (the search
    issue's region: about 2,000,000 plates); past that a region mostly sees
    its own vehicles again, and one in ten reads is a vehicle not seen before
    (100,000,000 reads: 11,000,000 plates, more than Los Angeles County's
    registered vehicles)."""
    if reads <= 10_000_000:
        return max(20_000, reads // 5)
    return 2_000_000 + (reads - 10_000_000) // 10


def load(size: int, log: Callable[[str], None]) -> None:
    """Add reads until the table holds `size` (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reads_plateread")
        have = cursor.fetchone()[0]
    if have >= size:
        return
    todo = size - have
    vehicles = _vehicles(todo)
    cameras = bench_cameras(bench_agency())
    t0 = time.monotonic()
    ids = _plates(vehicles, log)
    log(f"bulk: {vehicles:,} plates ({time.monotonic() - t0:.0f}s)")
    end = timezone.now() - timedelta(days=7)
    start = end - timedelta(days=358)
    partitions.ensure(start, end)
    rebuild = _lift_indexes("reads_plateread", "pf") if have == 0 else []
    rng = np.random.default_rng(have + 1)
    done = 0
    while done < todo:
        n = min(CHUNK, todo - done)
        copy_reads(rng, ids, cameras, start, end, done, n, todo)
        done += n
        log(f"bulk: {have + done:,} reads ({time.monotonic() - t0:.0f}s)")
    if rebuild:
        _restore_indexes(rebuild, log)
    # What autovacuum gives a running deployment after a load: statistics for
    # the planner, and the visibility map, without which the plate index's
    # index-only scans read every matching row from the table (a wildcard
    # search at 100,000,000 reads: 38,854 rows fetched for a page of 50).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    log(f"bulk: done ({time.monotonic() - t0:.0f}s)")


def _plates(vehicles: int, log: Callable[[str], None]) -> np.ndarray:
    """Store the region's plates; return their ids, by vehicle number."""
    table = _misread_table()
    with connection.cursor() as cursor:
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM reads_plate)")
        empty = cursor.fetchone()[0]
    # Into an empty table the look-up indexes are built once, after: the
    # trigram index alone took most of three minutes for 2,000,000 plates
    # when kept up row by row.
    rebuild = _lift_indexes("reads_plate", "") if empty else []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bulk_plate (k bigint, plate varchar(10), "
            "misread_key varchar(10), plate_reversed varchar(10)) ON COMMIT DROP"
        )
        with cursor.copy("COPY bulk_plate FROM STDIN") as copy:
            for first in range(0, vehicles, CHUNK):
                n = min(CHUNK, vehicles - first)
                chars = plate_texts(np.arange(first, first + n))
                rows = zip(
                    range(first, first + n),
                    _strings(chars),
                    _strings(table[chars]),
                    _strings(chars[:, ::-1]),
                    strict=True,
                )
                copy.write("".join(f"{k}\t{p}\t{m}\t{r}\n" for k, p, m, r in rows))
        cursor.execute(
            "INSERT INTO reads_plate (plate, misread_key, plate_reversed) "
            "SELECT plate, misread_key, plate_reversed FROM bulk_plate ORDER BY k "
            "ON CONFLICT (plate) DO NOTHING"
        )
        ids = np.empty(vehicles, dtype=np.int64)
        buffer = bytearray()
        with cursor.copy(
            "COPY (SELECT p.id FROM bulk_plate b JOIN reads_plate p USING (plate) "
            "ORDER BY b.k) TO STDOUT"
        ) as copy:
            for data in copy:
                buffer += data
        ids[:] = np.array(bytes(buffer).split(), dtype="S20").astype(np.int64)
    _restore_indexes(rebuild, log)
    return ids


def copy_reads(
    rng: Any,
    ids: np.ndarray,
    cameras: dict[str, Any],
    start: Any,
    end: Any,
    done: int,
    n: int,
    todo: int,
) -> None:
    vehicles = len(ids)
    k = (vehicles * rng.random(n) ** 2).astype(np.int64)
    span = (end - start).total_seconds()
    offsets = (done + np.arange(n)) * (span / todo) + rng.random(n)
    base = np.datetime64(start.replace(tzinfo=None), "us")
    at = np.datetime_as_string(
        base + (offsets * 1e6).astype("timedelta64[us]"), unit="us"
    )
    names = [name for name, *_ in FIXED_CAMERAS]
    where = {name: (lat, lon, heading) for name, lat, lon, heading in FIXED_CAMERAS}
    which = rng.integers(0, len(names), n)
    jitter = rng.normal(0, 0.0003, (n, 2))
    chars = _strings(plate_texts(k))
    lines = []
    for i in range(n):
        name = names[which[i]]
        lat, lon, heading = where[name]
        v = k[i]
        lines.append(
            f"{ids[v]}\t{chars[i]}\tCA\t0.9\t0.93\t{at[i]}+00\t{at[i]}+00\t"
            f"{lat + jitter[i, 0]:.6f}\t{lon + jitter[i, 1]:.6f}\t{heading}\t"
            f"{cameras[name].id}\t{MAKES[v % len(MAKES)]}\t{COLORS[v % len(COLORS)]}\t"
            f"{TYPES[v % len(TYPES)]}\tbench\t[]\t\t\t{{}}\t{{}}\n"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(f"COPY reads_plateread ({COLUMNS}) FROM STDIN") as copy:
            copy.write("".join(lines))


def _lift_indexes(table: str, constraints: str) -> list[str]:
    """Drop a table's indexes and the constraints of these kinds ('p' primary
    key, 'f' foreign key); return the SQL that makes them again. Unique
    constraints stay: the plates' ON CONFLICT needs its index."""
    with connection.cursor() as cursor:
        found = relayout.definitions(cursor, table, constraints, table)
        for name, sql in found:
            if sql.startswith("ALTER TABLE"):
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            else:
                cursor.execute(f"DROP INDEX {name}")
    return [sql for _, sql in found]


def _restore_indexes(statements: list[str], log: Callable[[str], None]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '2GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        for sql in statements:
            t0 = time.monotonic()
            cursor.execute(sql)
            log(f"bulk: {sql[:70]}… ({time.monotonic() - t0:.0f}s)")
