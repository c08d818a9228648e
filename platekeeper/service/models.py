from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models


class Job(models.Model):
    """A management command the scheduler runs every `interval_seconds`."""

    name = models.CharField(max_length=64, unique=True)
    command = models.CharField(max_length=64)
    interval_seconds = models.PositiveIntegerField()
    # Consumer: the scheduler's claim ("due jobs").
    next_run_at = models.DateTimeField(db_index=True)
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=self.interval_seconds)

    def next_after(self, now: datetime) -> datetime:
        """The first slot after `now`: missed slots are skipped, not replayed."""
        nxt = self.next_run_at
        if nxt <= now:
            missed = (now - nxt) // self.interval + 1
            nxt += missed * self.interval
        return nxt


class JobRun(models.Model):
    """One run of a job, kept so that people can see "last purge: ..., 1.2M rows"."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Succeeded"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(Job, models.CASCADE, related_name="runs")
    scheduled_for = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    worker = models.CharField(max_length=100)
    output = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "started_at"], name="jobrun_job_time")]

    def __str__(self) -> str:
        return f"{self.job.name} at {self.started_at:%Y-%m-%d %H:%M}: {self.status}"
