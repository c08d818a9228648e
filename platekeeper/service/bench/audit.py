"""The monthly audit report over a month of 1,000,000 access records, beside the
bare GROUP BY of the same month."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from platekeeper.audit import report
from platekeeper.audit.models import (
    GENESIS,
    HASH_FIELDS,
    HASH_VERSION,
    AccessRecord,
    Action,
    Outcome,
)
from platekeeper.policy.models import current_rules
from platekeeper.reads import sql
from platekeeper.service.bench.common import Figures, bench_agency, log

MONTH = timedelta(days=30)
BATCH = 5000
USERS = [f"bench-user-{n:02}" for n in range(60)]
PURPOSES = [
    "stolen_vehicle",
    "criminal_investigation",
    "wanted_person",
    "missing_person",
]
# The hashed fields, and the hash itself: the same row the write path stores.
COLUMNS = [*HASH_FIELDS[HASH_VERSION], "hash_version", "hash"]


def fill(count: int, start: Any, log: Any) -> None:
    """Chain `count` access records into the month after `start` (kept between runs)."""
    have = AccessRecord.objects.filter(at__gte=start, at__lt=start + MONTH).count()
    rng = random.Random(have)
    agency = bench_agency()
    step = MONTH / max(count, 1)
    done = have
    while done < count:
        with transaction.atomic():
            head = (
                AccessRecord.objects.order_by("-id")
                .values_list("hash", flat=True)
                .first()
                or GENESIS
            )
            rows = []
            for n in range(min(BATCH, count - done)):
                plate = "".join(
                    rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7)
                )
                export = rng.random() < 0.01
                record = AccessRecord(
                    at=start + step * (done + n),
                    actor_username=rng.choice(USERS),
                    actor_agency=agency.name,
                    actor_agency_ori=agency.ori,
                    action=Action.EXPORT if export else Action.SEARCH,
                    criteria={"plate": plate, "match": "exact"},
                    purpose=rng.choice(PURPOSES),
                    case_number=""
                    if rng.random() < 0.03
                    else f"HPD-{rng.randrange(10**6):06}",
                    justification=rng.choice(
                        ["", "inv", "stolen Honda reported on 120th St"]
                    ),
                    result_ids=[],
                    result_count=rng.randrange(3000) if export else rng.randrange(20),
                    outcome=Outcome.DENIED if rng.random() < 0.02 else Outcome.ALLOWED,
                    prev_hash=head,
                )
                record.hash = head = record.compute_hash()
                rows.append([getattr(record, c) for c in COLUMNS])
            sql.insert(AccessRecord, COLUMNS, rows)
        done += len(rows)
        if done % 100_000 < BATCH:
            log(f"audit fill: {done:,} records")


def audit_group(opts: dict[str, Any]) -> Figures:
    count = opts.get("audit_records", 1_000_000)
    start = (timezone.now() - timedelta(days=400)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    fill(count, start, log)
    found = current_rules()
    assert found is not None
    t0 = time.perf_counter()
    result = report.monthly(start, start + MONTH, found[1].audits)
    report_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT action, outcome, actor_username, COUNT(*) FROM audit_accessrecord "
            "WHERE at >= %s AND at < %s GROUP BY action, outcome, actor_username",
            [start, start + MONTH],
        )
        cursor.fetchall()
    bare_seconds = time.perf_counter() - t0
    return {
        "audit_report_1m_s": round(report_seconds, 2),
        "audit_report_sql_s": round(bare_seconds, 2),
        "audit_report_records": result.total,
        "audit_report_flagged": sum(result.flagged_by_user.values()),
    }
