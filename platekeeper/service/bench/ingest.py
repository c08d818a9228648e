"""Ingest through the generic API, beside a plain insert of the same rows."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import httpx
from django.utils import timezone

from platekeeper.reads.simulator import Town
from platekeeper.service.bench.common import (
    Figures,
    Server,
    batches,
    bench_agency,
    bench_cameras,
    fresh_seed,
    plain_insert,
)

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
            Town(seed=fresh_seed()).reads(
                now - timedelta(hours=1),
                count + WARM_UP * batch_size,
                timedelta(hours=1),
            ),
            batch_size,
        )
    )
    plain_chunks = list(
        batches(
            Town(seed=fresh_seed()).reads(
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


def ingest_group(opts: dict[str, Any]) -> Figures:
    return ingest(opts["ingest_reads"])
