"""The purge of 1,000,000 expired reads with their images, beside a bare
DELETE of the same kind of rows and files."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from platekeeper.lib import plates
from platekeeper.reads import blobs, sql
from platekeeper.reads.ingest import READ_COLUMNS, plate_ids
from platekeeper.reads.models import PlateRead
from platekeeper.reads.simulator import Town
from platekeeper.retention import purge
from platekeeper.retention.models import Horizon
from platekeeper.service.bench.common import (
    Figures,
    batches,
    bench_agency,
    bench_cameras,
    fresh_seed,
    log,
)

BATCH = 5000
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
# Captured three years ago: past any retention the California profile sets.
AGE = timedelta(days=3 * 365)


def fill_expired(count: int) -> None:
    """`count` reads captured three years ago, each with its own plate image."""
    cameras = bench_cameras(bench_agency())
    town = Town(seed=fresh_seed())
    start = timezone.now() - AGE
    now = timezone.now()
    done = 0
    for batch in batches(town.reads(start, count, timedelta(days=30)), BATCH):
        ids = plate_ids({plates.normalize(r.plate) for r in batch})
        rows = []
        for r in batch:
            image = blobs.put(JPEG + r.event_id.encode(), durable=False)
            camera = cameras[r.camera]
            rows.append(
                [
                    ids[plates.normalize(r.plate)],
                    r.plate,
                    r.state,
                    None,
                    r.confidence,
                    r.captured_at,
                    now,
                    r.latitude,
                    r.longitude,
                    r.heading,
                    camera.id,
                    r.vehicle.make,
                    r.vehicle.color,
                    r.vehicle.type,
                    "bench",
                    [],
                    image,
                    "",
                    {},
                    {},
                ]
            )
        with transaction.atomic():
            sql.insert(PlateRead, READ_COLUMNS, rows)
        done += len(batch)
        if done % 100_000 < BATCH:
            log(f"retention: {done:,} expired reads with images")


def bare_delete() -> tuple[int, float]:
    """The baseline: expired reads deleted by id in batches, their files unlinked,
    with none of the purge's checks."""
    cutoff = timezone.now() - timedelta(days=2 * 365)
    n, t0 = 0, time.perf_counter()
    while True:
        rows = list(
            PlateRead.objects.filter(captured_at__lt=cutoff)
            .order_by("captured_at")
            .values_list("id", "plate_image")[:BATCH]
        )
        if not rows:
            return n, time.perf_counter() - t0
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ",".join(["%s"] * len(rows))
            cursor.execute(
                f"DELETE FROM reads_plateread WHERE id IN ({marks})",
                [r[0] for r in rows],
            )
        for _, image in rows:
            blobs.delete(image)
        n += len(rows)


def retention_group(opts: dict[str, Any]) -> Figures:
    count = opts.get("purge_reads", 1_000_000)
    # The purge would move the horizon itself; the bare delete needs it moved too.
    Horizon.objects.update_or_create(
        pk=1, defaults={"reads_before": timezone.now() - timedelta(days=365)}
    )
    baseline_count = max(count // 10, BATCH)
    fill_expired(baseline_count)
    bare_n, bare_s = bare_delete()
    fill_expired(count)
    t0 = time.perf_counter()
    done = purge.run()
    seconds = time.perf_counter() - t0
    return {
        "purge_reads": done.reads,
        "purge_images": done.images,
        "purge_seconds": round(seconds, 1),
        "purge_reads_per_s": round(done.reads / seconds),
        "bare_delete_reads": bare_n,
        "bare_delete_reads_per_s": round(bare_n / bare_s) if bare_s else None,
    }
