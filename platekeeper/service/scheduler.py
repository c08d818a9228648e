"""Jobs in a table; each due run is claimed with a conditional UPDATE.

Two schedulers may run at once (a restart overlapping, two hosts): whoever's
UPDATE ... WHERE next_run_at = <what it read> changes the row runs the job, the
other sees 0 rows changed. A scheduler that was down finds the job overdue and
runs it once, then sets the next slot after now.
"""

from __future__ import annotations

import io
import logging
import os
import shlex
import socket
import traceback
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from platekeeper.service.models import Job, JobRun

logger = logging.getLogger(__name__)
DAY = 24 * 3600


@dataclass(frozen=True)
class JobSpec:
    name: str
    command: str
    interval_seconds: int


# Later issues add their jobs here (purge, hot-list refresh, inactive accounts,
# audit sampling). A new job's first run is one interval after it is registered.
JOBS: list[JobSpec] = [
    JobSpec("anchor the audit log", "anchor_audit", DAY),
    JobSpec("verify audit log", "verify_audit", DAY),
    JobSpec("open and escalate audits", "schedule_audits", DAY),
    JobSpec("monitor accesses for flags", "monitor_flags", 300),
    JobSpec("fetch referenced images", "fetch_images", 60),
    JobSpec("disable inactive accounts", "disable_inactive_accounts", DAY),
    JobSpec("refresh hot lists from their folder", "refresh_hotlists", 300),
    JobSpec("announce waiting alerts", "notify_alerts", 60),
    # Every minute; the command itself runs at the cadence the Policy sets.
    JobSpec("purge expired data", "purge --if-due", 60),
    # PostgreSQL: the coming months' partitions of the reads (nothing on SQLite).
    JobSpec("make the reads' coming months", "partitions", DAY),
    # PostgreSQL: ended months' reads by plate and agency, for partial-plate counts.
    JobSpec("count the reads of ended months", "count_months", DAY),
    JobSpec("escalate holds and open retention reviews", "retention_tasks", DAY),
    JobSpec("flag unapproved emergency releases", "sharing_tasks", 300),
]


def register(specs: list[JobSpec] | None = None) -> None:
    """Make sure every job in code has a row; keep the rows' schedules."""
    now = timezone.now()
    for spec in specs if specs is not None else JOBS:
        Job.objects.update_or_create(
            name=spec.name,
            defaults={
                "command": spec.command,
                "interval_seconds": spec.interval_seconds,
            },
            create_defaults={
                "command": spec.command,
                "interval_seconds": spec.interval_seconds,
                "next_run_at": now + timedelta(seconds=spec.interval_seconds),
            },
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job: Job) -> JobRun | None:
    """Take the job's due run if no other scheduler took it first."""
    now = timezone.now()
    scheduled_for = job.next_run_at
    won = Job.objects.filter(
        pk=job.pk, next_run_at=scheduled_for, next_run_at__lte=now, enabled=True
    ).update(next_run_at=job.next_after(now))
    if won != 1:
        return None
    return JobRun.objects.create(
        job=job, scheduled_for=scheduled_for, started_at=now, worker=worker_name()
    )


def execute(run: JobRun) -> None:
    out = io.StringIO()
    try:
        call_command(*shlex.split(run.job.command), stdout=out, stderr=out)
        status = JobRun.Status.OK
    except BaseException as exc:  # a failing job must not stop the scheduler
        if isinstance(exc, KeyboardInterrupt):
            raise
        out.write(traceback.format_exc())
        status = JobRun.Status.FAILED
        logger.error("job %s failed: %s", run.job.name, exc)
    JobRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=timezone.now(), output=out.getvalue()[-20000:]
    )


def tick() -> int:
    """Run every job that is due now; return how many ran."""
    ran = 0
    due = Job.objects.filter(enabled=True, next_run_at__lte=timezone.now())
    for job in list(due.order_by("next_run_at")):
        run = claim(job)
        if run is not None:
            execute(run)
            ran += 1
    return ran
