"""The hot-list matcher and the alert path.

- `match_reads_per_s`: reads matched by the in-memory index of 1,000,000 entries
  (1,000 of them partial plates with scattered `?`), one process; beside it the
  bare set lookup of the same reads against the same exact plates.
- `matcher_memory_mb`: what the index holds (tracemalloc, after the build).
- `alert_latency_p50_ms`: a read posted to the ingest API until its alert
  arrives on a connected stream; beside it the bare ingest round trip.
"""

from __future__ import annotations

import json
import random
import string
import threading
import time
import tracemalloc
from queue import Empty, Queue
from typing import Any

import httpx
from django.utils import timezone

from platekeeper.audit.record import Actor
from platekeeper.hotlists import actions
from platekeeper.hotlists.matching import bump
from platekeeper.hotlists.models import Alert, Entry, HotList
from platekeeper.lib.matcher import Index, Row
from platekeeper.service.bench.common import (
    Figures,
    Server,
    bench_agency,
    bench_cameras,
    p50_ms,
)
from platekeeper.service.bench.search import bench_detective, signed_in

ALPHABET = string.ascii_uppercase + string.digits
LATENCY_SAMPLES = 40


def _plate(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(7))


def _wildcard(rng: random.Random) -> str:
    chars = list(_plate(rng))
    for i in rng.sample(range(7), rng.choice([1, 2, 3])):
        chars[i] = "?"
    return "".join(chars)


def matcher_figures(entries: int, wildcards: int, reads: int) -> Figures:
    rng = random.Random(427)
    rows = [
        Row(i, _plate(rng), tolerant=i % 2 == 0) for i in range(entries - wildcards)
    ]
    rows += [Row(entries + i, _wildcard(rng)) for i in range(wildcards)]
    tracemalloc.start()
    t0 = time.perf_counter()
    index = Index.build(rows)
    build_seconds = time.perf_counter() - t0
    memory, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # A tenth of the reads are on a list, as on a busy street with a large extract.
    listed = [
        r.plate for r in rows[: entries - wildcards : max(1, entries // (reads // 10))]
    ]
    sample = [_plate(rng) for _ in range(reads - len(listed))] + listed
    rng.shuffle(sample)
    t0 = time.perf_counter()
    hits = sum(len(index.match(p)) for p in sample)
    match_seconds = time.perf_counter() - t0
    exact = {r.plate for r in rows}
    t0 = time.perf_counter()
    bare = sum(p in exact for p in sample)
    bare_seconds = time.perf_counter() - t0
    return {
        "match_reads_per_s": round(len(sample) / match_seconds),
        "match_bare_set_lookup_per_s": round(len(sample) / bare_seconds),
        "match_hits": hits,
        "match_bare_hits": bare,
        "matcher_entries": entries,
        "matcher_wildcards": wildcards,
        "matcher_memory_mb": round(memory / 2**20, 1),
        "matcher_build_seconds": round(build_seconds, 2),
    }


def _listen(
    url: str, cookie: str, arrived: Queue[tuple[str, float]], ready: threading.Event
) -> None:
    timeout = httpx.Timeout(10.0, read=None)
    after = Alert.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        with httpx.stream(
            "GET",
            f"{url}/alerts/stream?after={after}",
            cookies={"sessionid": cookie},
            timeout=timeout,
        ) as stream:
            ready.set()
            for line in stream.iter_lines():
                if line.startswith("data: {") and '"plate"' in line:
                    arrived.put((json.loads(line[6:])["plate"], time.perf_counter()))
    except httpx.HTTPError:
        pass  # the server stopped at the end of the run


def latency_figures() -> Figures:
    agency = bench_agency()
    camera = next(iter(bench_cameras(agency).values()))
    key = camera.new_key()
    camera.save()
    officer = bench_detective(agency, "bench-officer", "Police Officer")
    cookie = signed_in(officer).cookies["sessionid"].value
    hot_list = HotList.objects.filter(agency=agency, name="Bench stolen").first() or (
        actions.create_list(
            agency, "Bench stolen", HotList.Source.SVS, actor=Actor.system("bench")
        )
    )
    rng = random.Random()
    plates = [_plate(rng) for _ in range(LATENCY_SAMPLES)]
    Entry.objects.filter(hot_list=hot_list, retired_at=None).update(
        retired_at=timezone.now()
    )
    Entry.objects.bulk_create(
        Entry(hot_list=hot_list, plate=p, category="stolen_vehicle", entered_by="bench")
        for p in plates
    )
    bump()
    headers = {"Authorization": f"Bearer {key}"}
    arrived: Queue[tuple[str, float]] = Queue()
    ready = threading.Event()
    latencies, posts = [], []
    with Server() as url, httpx.Client(base_url=url, timeout=30) as client:
        threading.Thread(
            target=_listen, args=(url, cookie, arrived, ready), daemon=True
        ).start()
        ready.wait(10)
        time.sleep(1)
        for n, plate in enumerate([_plate(rng)] + plates):  # the first builds the index
            body = {
                "event_id": f"bench-alert-{time.time_ns()}-{n}",
                "plate": plate,
                "confidence": 0.95,
                "captured_at": timezone.now().isoformat(),
            }
            # Reads come when cars pass, not in step with the stream's polling.
            time.sleep(rng.uniform(0.0, 0.3))
            t0 = time.perf_counter()
            client.post("/api/v1/reads", json=body, headers=headers)
            posted = time.perf_counter()
            if n == 0:
                continue
            posts.append(posted - t0)
            deadline = time.perf_counter() + 5
            while (left := deadline - time.perf_counter()) > 0:
                try:
                    got, at = arrived.get(timeout=left)
                except Empty:
                    break
                if got == plate:
                    latencies.append(at - t0)
                    break
    return {
        "alert_latency_p50_ms": p50_ms(latencies) if latencies else None,
        "alert_ingest_post_p50_ms": p50_ms(posts),
        "alert_samples": len(latencies),
    }


def hotlists_group(opts: dict[str, Any]) -> Figures:
    figures = matcher_figures(opts.get("hotlist_entries", 1_000_000), 1_000, 200_000)
    figures.update(latency_figures())
    return figures
