"""`/health`: what an operator's monitor needs to know, as JSON (503 when
anything fails). `/healthz` stays the bare liveness answer.

Checks: the database answers; the audit log's append-only triggers are in
place; the scheduler ran a job lately; the data directory's disk has room;
when Frigate is configured, the MQTT listener runs and is subscribed.
No plate, user or count of ALPR data is in the answer.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

# The scheduler runs the purge check every minute: five quiet minutes is a stop.
SCHEDULER_QUIET = timedelta(minutes=5)


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _audit_log() -> dict[str, Any]:
    from platekeeper.audit import triggers

    missing = sorted(triggers.missing())
    return {"ok": not missing, "missing_triggers": missing}


def _scheduler() -> dict[str, Any]:
    from platekeeper.service.models import Job, JobRun

    last = (
        JobRun.objects.order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if last is None:
        # A service just started: fine until its first job was due a while ago.
        first_due = (
            Job.objects.filter(enabled=True)
            .order_by("next_run_at")
            .values_list("next_run_at", flat=True)
            .first()
        )
        if first_due is not None and timezone.now() - first_due <= SCHEDULER_QUIET:
            return {"ok": True, "last_run": None, "first_due": first_due.isoformat()}
        return {"ok": False, "last_run": None, "why": "no job has run yet"}
    quiet = timezone.now() - last
    return {
        "ok": quiet <= SCHEDULER_QUIET,
        "last_run": last.isoformat(),
        "quiet_seconds": int(quiet.total_seconds()),
    }


def _disk() -> dict[str, Any]:
    usage = shutil.disk_usage(settings.DATA_DIR)
    free_mb = usage.free // (1024 * 1024)
    return {"ok": free_mb >= settings.MIN_FREE_DISK_MB, "free_mb": free_mb}


def _mqtt() -> dict[str, Any]:
    """When Frigate is configured: the listener process alive and subscribed."""
    if not settings.MQTT_URL:
        return {"ok": True, "configured": False}
    from platekeeper.reads.mqtt import STATE_FILE

    path = Path(settings.DATA_DIR) / STATE_FILE
    try:
        note = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"ok": False, "why": "the MQTT listener has not reported"}
    alive = _alive(int(note.get("pid", 0)))
    return {
        "ok": alive and note.get("state") == "subscribed",
        "state": note.get("state") if alive else "not running",
        "since": note.get("at"),
    }


def _partitions() -> dict[str, Any]:
    """PostgreSQL: next month's partition is there (the daily job makes it; without
    it next month's reads would all land in the default partition)."""
    from platekeeper.reads import partitions

    if not partitions.partitioned():
        return {"ok": True, "partitioned": False}
    have = partitions.months()
    following = partitions.Month.of(timezone.now()).next
    return {
        "ok": following in have,
        "partitioned": True,
        "last_month": str(have[-1]) if have else None,
    }


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


CHECKS = {
    "database": _database,
    "audit_log": _audit_log,
    "scheduler": _scheduler,
    "disk": _disk,
    "mqtt": _mqtt,
    "partitions": _partitions,
}


def health(request: HttpRequest) -> JsonResponse:
    found: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            found[name] = check()
        except (DatabaseError, OSError) as exc:
            found[name] = {"ok": False, "error": str(exc)[:200]}
    ok = all(c["ok"] for c in found.values())
    return JsonResponse(
        {"status": "ok" if ok else "failing", "checks": found},
        status=200 if ok else 503,
    )
