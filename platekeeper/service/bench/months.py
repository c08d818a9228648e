"""PostgreSQL: an expired month of reads purged as a partition drop, its held
reads kept (issue 13: "an expired month is purged in under 5 seconds"),
beside the bare read of the month's ids (what the purge cost before the ledger
named a month in one line; the machine's speed, in the same run)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from platekeeper.policy.models import PolicyVersion
from platekeeper.reads import partitions
from platekeeper.reads.partitions import Month
from platekeeper.retention import months
from platekeeper.retention.models import HeldRead, Hold, Horizon, PurgeRun
from platekeeper.service.bench import bulk
from platekeeper.service.bench.common import Figures, bench_agency, bench_cameras, log
from platekeeper.service.bench.search import bench_detective

HELD = 1000


def fill_month(month: Month, count: int) -> list[int]:
    """`count` reads spread over the month; return the ids of the first HELD."""
    partitions.ensure(month.start, month.start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM reads_plate ORDER BY id LIMIT 200000")
        ids = np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)
    cameras = bench_cameras(bench_agency())
    rng = np.random.default_rng(month.start.month)
    done = 0
    while done < count:
        n = min(bulk.CHUNK, count - done)
        bulk.copy_reads(rng, ids, cameras, month.start, month.end, done, n, count)
        done += n
        log(f"month: {done:,} reads in {month}")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {month.table}")
        cursor.execute(f"SELECT id FROM {month.table} ORDER BY id LIMIT %s", [HELD])
        return [row[0] for row in cursor.fetchall()]


def hold(read_ids: list[int], month: Month) -> None:
    agency = bench_agency()
    user = bench_detective(agency)
    held = Hold.objects.create(
        agency=agency,
        case_number="BENCH-HOLD",
        evidence_item="bench",
        requester="bench",
        reason="bench: reads a month's purge must keep",
        review_on=timezone.localdate() + timedelta(days=365),
        placed_by=user,
    )
    HeldRead.objects.bulk_create(
        HeldRead(hold=held, read_id=i, captured_at=month.start) for i in read_ids
    )


def month_group(opts: dict[str, Any]) -> Figures:
    if not partitions.partitioned():
        return {"purge_month": "not partitioned (SQLite): see purge_seconds"}
    now = timezone.now()
    month = Month.of(now - timedelta(days=430))
    count = opts.get("month_reads") or max(100_000, opts.get("size", 0) // 12)
    hold(fill_month(month, count), month)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {month.table}")
        bare = len(cursor.fetchall())
    bare_s = time.perf_counter() - t0
    cutoff = now - timedelta(days=365)
    Horizon.objects.update_or_create(pk=1, defaults={"reads_before": cutoff})
    version = PolicyVersion.objects.current()
    run = PurgeRun.objects.create(
        started_at=now,
        policy_version=version.number if version else 0,
        reads_cutoff=cutoff,
    )
    t0 = time.perf_counter()
    gone = months.purge(run, cutoff, cutoff)
    seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM reads_plateread WHERE id = ANY(%s)",
            [list(HeldRead.objects.values_list("read_id", flat=True))],
        )
        kept = cursor.fetchone()[0]
    run.reads, run.finished_at = gone, timezone.now()
    run.save()
    return {
        "purge_month_reads": gone,
        "purge_month_held_reads_kept": kept,
        "purge_month_seconds": round(seconds, 2),
        "purge_month_bare_select_ids_seconds": round(bare_s, 2),
        "purge_month_bare_select_ids_reads": bare,
    }
