"""Hot lists, their entries, the hits reads make on them, and the alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from platekeeper.accounts.models import Agency


class HotList(models.Model):
    class Source(models.TextChoices):
        NCIC = "ncic", "NCIC (FBI LPR extract)"
        SVS = "svs", "CA DOJ Stolen Vehicle System / CLEW"
        AGENCY = "agency", "Agency list"
        AMBER = "amber", "AMBER Alert"
        OTHER = "other", "Other"

    agency = models.ForeignKey(Agency, models.PROTECT)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices)
    # 1 alerts first; what the alert screen sorts by.
    priority = models.PositiveSmallIntegerField(default=3)
    # Reads below this confidence do not alert on this list.
    min_confidence = models.FloatField(default=0.0)
    # Tolerate OCR confusions (8/B, 0/O): the misread key.
    misread_tolerant = models.BooleanField(default=False)
    # A system list refreshed less often than this is shown stale (R27).
    refresh_hours = models.PositiveIntegerField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    # A data source of the Policy (CLETS): record details only for its grantees.
    cji_source = models.CharField(max_length=20, blank=True)
    # Alerts only its owners and the agency's administrators.
    covert = models.BooleanField(default=False)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )
    # Why the list exists (R15): agency lists need a case number.
    purpose = models.CharField(max_length=40, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="hotlist_name")
        ]

    def __str__(self) -> str:
        return self.name

    def is_stale(self, now: datetime) -> bool:
        if self.refresh_hours is None:
            return False
        last = self.last_refreshed_at
        return last is None or now - last > timedelta(hours=self.refresh_hours)


class Entry(models.Model):
    hot_list = models.ForeignKey(HotList, models.CASCADE, related_name="entries")
    # Normalized plate, or for agency entries a pattern with ? and *.
    plate = models.CharField(max_length=16)
    is_pattern = models.BooleanField(default=False)
    state = models.CharField(max_length=2, blank=True)  # LIS
    plate_type = models.CharField(max_length=2, blank=True)  # LIT
    # NCIC list code or the agency's reason ("V" stolen vehicle, "M" missing person).
    category = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40, blank=True)  # NIC or OCA
    ori = models.CharField(max_length=9, blank=True)
    vehicle = models.CharField(max_length=200, blank=True)
    # Person-file details (names, DOB): only on CJI lists (R39).
    details = models.JSONField(default=dict, blank=True)
    entered_by = models.CharField(max_length=150)
    purpose = models.CharField(max_length=40, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    entered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Recovered or cleared locally: no alerts until the next refresh replaces it.
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True)
    cleared_reason = models.CharField(max_length=200, blank=True)
    # Superseded by a refresh of its list: kept for the hits that name it.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["hot_list", "plate"], name="entry_plate"),
            models.Index(fields=["hot_list", "retired_at"], name="entry_live"),
        ]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.plate} ({self.hot_list})"

    def is_live(self, now: datetime) -> bool:
        return (
            self.cleared_at is None
            and self.retired_at is None
            and (self.expires_at is None or self.expires_at > now)
        )


class Generation(models.Model):
    """One row: bumped on every change to lists or entries, so every process
    knows when its in-memory index is stale."""

    value = models.BigIntegerField(default=0)
    # The newest read id when it changed: a process that swaps in a new index
    # matches the reads after it again, closing the window of the old index.
    reads_after = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"hot-list generation {self.value}"


class Hit(models.Model):
    """A read matching an entry: one per (read, entry)."""

    class How(models.TextChoices):
        EXACT = "exact", "Exact match"
        MISREAD = "misread", "Possible match (OCR confusion)"
        WILDCARD = "wildcard", "Possible match (partial plate)"

    # Reads are partitioned and purged on their own schedule: no foreign key.
    read_id = models.BigIntegerField()
    entry = models.ForeignKey(Entry, models.CASCADE, related_name="hits")
    hot_list = models.ForeignKey(HotList, models.CASCADE, related_name="hits")
    camera_id = models.BigIntegerField()
    plate = models.CharField(max_length=16)
    how = models.CharField(max_length=10, choices=How.choices)
    # Found by the look-back of a new entry, not at ingest.
    retroactive = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["read_id", "entry"], name="hit_once")
        ]
        indexes = [
            models.Index(
                fields=["entry", "camera_id", "created_at"], name="hit_throttle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plate} on {self.hot_list} ({self.how})"

    @property
    def is_possible(self) -> bool:
        return self.how != self.How.EXACT


class Alert(models.Model):
    """A hit put in front of people: claimed, verified, disposed of (Policy 427.3(f))."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CLAIMED = "claimed", "Claimed"
        CLOSED = "closed", "Closed"

    class Disposition(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WRONG_STATE = "wrong_state", "Wrong state"
        MISREAD = "misread", "Misread"
        NOT_CONFIRMED = "not_confirmed", "Not confirmed"
        STALE_ENTRY = "stale_entry", "Stale entry"
        CLEARED = "cleared", "Cleared"

    class Enforcement(models.TextChoices):
        NONE = "", "No enforcement action"
        STOP = "stop", "Vehicle stop"
        DETENTION = "detention", "Detention"
        ARREST = "arrest", "Arrest"
        TOW = "tow", "Vehicle towed or recovered"

    class Result(models.TextChoices):
        NONE = "", "None"
        VEHICLE_RECOVERED = "vehicle_recovered", "Vehicle recovered"
        ARREST = "arrest", "Arrest"
        PERSON_LOCATED = "person_located", "Person located"

    hit = models.OneToOneField(Hit, models.CASCADE, related_name="alert")
    agency = models.ForeignKey(Agency, models.PROTECT)
    hot_list = models.ForeignKey(HotList, models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The officer's own look at the car: plate, state and vehicle match the entry.
    visual_match = models.BooleanField(null=True)
    visual_checked_at = models.DateTimeField(null=True, blank=True)
    # The CLETS re-check of the record (427.3(f)).
    clets_checked_at = models.DateTimeField(null=True, blank=True)
    clets_result = models.CharField(max_length=100, blank=True)
    # Hit confirmation with the originating agency: 10 minutes urgent, 1 hour routine.
    confirm_due_at = models.DateTimeField(null=True, blank=True)
    originating_confirmed_at = models.DateTimeField(null=True, blank=True)
    originating_result = models.CharField(max_length=100, blank=True)
    disposition = models.CharField(
        max_length=16, choices=Disposition.choices, blank=True
    )
    enforcement = models.CharField(
        max_length=12, choices=Enforcement.choices, blank=True
    )
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    # An enforcement action without verification needs a reason and a supervisor's look (R38).
    unverified_reason = models.TextField(blank=True)
    flagged_for_review = models.BooleanField(default=False)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    disposed_at = models.DateTimeField(null=True, blank=True)
    # When e-mail or webhook delivery (off by default) said an alert is waiting.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "status", "created_at"], name="alert_queue")
        ]

    def __str__(self) -> str:
        return f"alert {self.pk}: {self.hit}"

    @property
    def verified(self) -> bool:
        return bool(self.visual_match and self.clets_checked_at)
