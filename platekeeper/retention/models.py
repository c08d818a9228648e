"""Legal holds, purge runs, the purge horizon and retention reviews.

A hold covers reads by id (reads are never the target of a foreign key:
docs/decisions/0001), with their capture time so the purge can skip held rows
within a time range without reading the hold table per read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from platekeeper.accounts.models import Agency


class Hold(models.Model):
    """Evidence or litigation hold (Policy 427.4, R26): its reads survive the
    purge until it is released."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RELEASED = "released", "Released"

    agency = models.ForeignKey(Agency, models.PROTECT)
    case_number = models.CharField(max_length=64)
    evidence_item = models.CharField(max_length=64)
    # Who asked for it: the investigator, a prosecutor, the City Attorney.
    requester = models.CharField(max_length=200)
    reason = models.CharField(max_length=1000)
    review_on = models.DateField()
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=1000, blank=True)
    # When the custodian and commander were told it is past its review date.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "status"], name="hold_agency")]

    def __str__(self) -> str:
        return f"hold {self.pk}: case {self.case_number}, item {self.evidence_item}"

    @property
    def active(self) -> bool:
        # A hold protects from the moment it is placed: evidence must not be
        # purged while a supervisor has yet to look at the request.
        return self.status != self.Status.RELEASED

    @property
    def past_review(self) -> bool:
        return self.active and self.review_on < timezone.localdate()


class HeldRead(models.Model):
    hold = models.ForeignKey(Hold, models.CASCADE, related_name="reads")
    read_id = models.BigIntegerField(db_index=True)  # no FK: see PlateRead
    captured_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hold", "read_id"], name="held_once")
        ]

    def __str__(self) -> str:
        return f"read {self.read_id} under {self.hold_id}"


class PurgeRun(models.Model):
    """One purge: what it removed and up to when, for "last purge: ..." (R25)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    policy_version = models.PositiveIntegerField(null=True)
    # Reads captured before this were due (now minus the reads' retention).
    reads_cutoff = models.DateTimeField()
    reads = models.PositiveIntegerField(default=0)
    images = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    alerts = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    held_kept = models.PositiveIntegerField(default=0)
    oldest_purged = models.DateTimeField(null=True, blank=True)
    newest_purged = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"purge {self.started_at:%Y-%m-%d %H:%M}: {self.reads} reads"


class PendingImage(models.Model):
    """An image whose last read was purged, written in the same transaction as
    the purge: its file is removed after the commit, and a file a failed run
    left behind is removed by the next one."""

    digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.digest


class Horizon(models.Model):
    """Reads captured before `reads_before` may be deleted; the database refuses
    to delete any other (guard.py). Only the purge moves it."""

    reads_before = models.DateTimeField()

    def __str__(self) -> str:
        return f"reads may go before {self.reads_before:%Y-%m-%d %H:%M}"


class RetentionReview(models.Model):
    """The re-evaluation of retention against what is actually searched (R28):
    a task opened two years after the last one was done, until someone does it."""

    agency = models.ForeignKey(Agency, models.PROTECT)
    due_on = models.DateField()
    opened_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"retention review due {self.due_on:%Y-%m-%d}"
