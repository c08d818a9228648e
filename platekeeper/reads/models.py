from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.lib import plates


def hash_key(key: str) -> str:
    # Device keys are 256-bit random tokens, so a plain SHA-256 is enough: there
    # is nothing to brute-force, and ingest must look a key up on every request.
    return hashlib.sha256(key.encode()).hexdigest()


class Camera(models.Model):
    """A fixed or mobile ALPR device that sends reads with its own key."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed"
        MOBILE = "mobile", "Mobile (patrol car)"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, models.PROTECT)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.FIXED)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    heading = models.FloatField(null=True, blank=True)
    # Only an approved ALPR camera may feed reads (turning a city camera into an
    # ALPR is a program change under the Policy).
    approved = models.BooleanField(default=False)
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    key_prefix = models.CharField(max_length=12, blank=True)
    key_created_at = models.DateTimeField(null=True, blank=True)
    key_revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    # What the device last said of itself (agent version, streams, disk, ...).
    health = models.JSONField(default=dict, blank=True)
    # Where to fetch an image a format only references: "{ref}" is replaced by
    # the reference (e.g. http://frigate:5000/api/events/{ref}/snapshot.jpg).
    image_url = models.CharField(max_length=300, blank=True)
    # Silent (no read, no heartbeat) this long: shown as offline.
    offline_after_minutes = models.PositiveIntegerField(default=60)
    # The camera's name in Frigate, for reads that arrive over MQTT.
    frigate_camera = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="camera_name_per_agency"
            ),
            models.UniqueConstraint(
                fields=["frigate_camera"],
                condition=~models.Q(frigate_camera=""),
                name="camera_frigate_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def new_key(self) -> str:
        """Give the camera a fresh key; return it (it is never stored or shown again)."""
        key = "pk_" + secrets.token_urlsafe(32)
        self.key_hash = hash_key(key)
        self.key_prefix = key[:10]
        self.key_created_at = timezone.now()
        self.key_revoked_at = None
        return key

    def revoke_key(self) -> None:
        self.key_hash = None
        self.key_revoked_at = timezone.now()

    @classmethod
    def by_key(cls, key: str) -> Camera | None:
        return (
            cls.objects.select_related("agency").filter(key_hash=hash_key(key)).first()
        )


class Plate(models.Model):
    """One distinct plate text. Reads point here, so exact, misread-tolerant,
    partial and one-off lookups probe this table's indexes, never the reads."""

    plate = models.CharField(max_length=plates.MAX_PLATE_LENGTH, unique=True)
    # Consumer: misread-tolerant search and hot-list matching.
    misread_key = models.CharField(max_length=plates.MAX_PLATE_LENGTH, db_index=True)
    # Consumer: suffix patterns ("*123") as prefix range probes.
    plate_reversed = models.CharField(max_length=plates.MAX_PLATE_LENGTH, db_index=True)

    def __str__(self) -> str:
        return self.plate

    @classmethod
    def fields_for(cls, plate: str) -> dict[str, Any]:
        return {
            "plate": plate,
            "misread_key": plates.misread_key(plate),
            "plate_reversed": plates.reverse(plate),
        }


def visible_agencies(user: Any) -> list[int]:
    """The agencies whose reads the user sees: their own, and those with a
    standing share in force to it (off by default)."""
    from platekeeper.sharing.models import owners_shared_with

    agency = user.profile.agency_id
    return [agency, *owners_shared_with(agency, timezone.localdate())]


class PlateReadQuerySet(models.QuerySet["PlateRead"]):
    def visible_to(
        self, user: Any, agencies: list[int] | None = None
    ) -> PlateReadQuerySet:
        """Reads the user's agency owns, and those of agencies with a standing
        share in force to it (off by default); nothing without an agency.
        `agencies`: what `visible_agencies(user)` already said this request."""
        profile = getattr(user, "profile", None)
        if not user.is_authenticated or profile is None:
            return self.none()
        if agencies is None:
            agencies = visible_agencies(user)
        if len(agencies) > 1:
            return self.filter(camera__agency_id__in=agencies)
        return self.filter(camera__agency_id=agencies[0])


class PlateRead(models.Model):
    """One plate seen by one camera at one time.

    Never the target of a database foreign key: on PostgreSQL this table is
    partitioned by capture time (docs/decisions/0001), and other tables carry
    `read_id` as a plain integer whose integrity is tested instead.
    """

    plate = models.ForeignKey(Plate, models.PROTECT, db_index=False)
    # The text exactly as the camera sent it, before normalization.
    plate_text = models.CharField(max_length=32)
    state = models.CharField(max_length=8, blank=True)
    state_confidence = models.FloatField(null=True, blank=True)
    confidence = models.FloatField()
    captured_at = models.DateTimeField()
    received_at = models.DateTimeField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    heading = models.FloatField(null=True, blank=True)
    camera = models.ForeignKey(Camera, models.PROTECT, db_index=False)
    vehicle_make = models.CharField(max_length=50, blank=True)
    vehicle_color = models.CharField(max_length=30, blank=True)
    vehicle_type = models.CharField(max_length=30, blank=True)
    source_format = models.CharField(max_length=30)
    candidates = models.JSONField(default=list, blank=True)
    # {"make": [{"name": "bmw", "confidence": 0.99}, ...], "color": [...], ...}
    vehicle_attributes = models.JSONField(default=dict, blank=True)
    # What else the format carried: plate corners, source ids, frame numbers, ...
    details = models.JSONField(default=dict, blank=True)
    # SHA-256 of the image in the blob store; empty when none was sent.
    plate_image = models.CharField(max_length=64, blank=True)
    overview_image = models.CharField(max_length=64, blank=True)

    objects = PlateReadQuerySet.as_manager()

    class Meta:
        indexes = [
            # Consumer: every plate search ("reads of these plates, newest first").
            # The camera makes it covering: the agency filter, the page's ids and
            # the capped count read only the index (a wildcard page and count on
            # 10,000,000 reads: 24 ms from the table, 6 ms from this index).
            models.Index(
                fields=["plate", "captured_at", "camera"], name="read_plate_time_camera"
            ),
            # Consumer: camera and area searches, canvass.
            models.Index(fields=["camera", "captured_at"], name="read_camera_time"),
            # Consumer: the purge ("reads captured before the retention cut-off").
            models.Index(fields=["captured_at"], name="read_time"),
            # Consumer: the purge ("does another read still show this image?").
            # Partial: most reads of most formats carry no image.
            models.Index(
                fields=["plate_image"],
                name="read_plate_image",
                condition=~models.Q(plate_image=""),
            ),
            models.Index(
                fields=["overview_image"],
                name="read_overview_image",
                condition=~models.Q(overview_image=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plate_text} at {self.captured_at:%Y-%m-%d %H:%M}"


class ReadCandidate(models.Model):
    """Another plate the recognizer thought a read might be (one of its OCR
    candidates other than the plate it chose), so that an investigator can find
    the read by any of them: a probe of this table, never a scan of the reads'
    JSON."""

    read_id = models.BigIntegerField(db_index=True)  # no FK: see PlateRead's docstring
    plate = models.ForeignKey(Plate, models.PROTECT, db_index=False)
    # The read's capture time, so a candidate search keeps to a time window.
    captured_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Consumer: the "any OCR candidate" plate search.
            models.Index(fields=["plate", "captured_at"], name="candidate_plate_time"),
        ]

    def __str__(self) -> str:
        return f"read {self.read_id} may be plate {self.plate_id}"


class MonthCount(models.Model):
    """How many reads of a plate one agency's cameras took in a month that has
    ended (PostgreSQL; reads.monthcounts). Plain integers, no foreign keys:
    written in bulk by the count job, dropped with their month."""

    month = models.DateField()  # the month's first day, UTC
    plate_id = models.BigIntegerField()
    agency_id = models.BigIntegerField()
    reads = models.IntegerField()

    class Meta:
        indexes = [
            # Consumer: a partial-plate search's count (one probe a plate).
            models.Index(
                fields=["plate_id", "month", "agency_id"],
                include=["reads"],
                name="monthcount_plate",
            ),
            # Consumer: the count job, replacing or dropping a month's counts.
            models.Index(fields=["month"], name="monthcount_month"),
        ]

    def __str__(self) -> str:
        return f"plate {self.plate_id}, agency {self.agency_id}, {self.month:%Y-%m}: {self.reads}"


class CountedMonth(models.Model):
    """That a month's counts are whole. Removed by any write into the month
    (triggers on the reads table) until the job counts it again."""

    month = models.DateField(unique=True)
    counted_at = models.DateTimeField()
    reads = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} counted at {self.counted_at:%Y-%m-%d %H:%M}"


class IngestReceipt(models.Model):
    """That a camera's event was stored, so a re-sent event is not stored twice."""

    camera = models.ForeignKey(Camera, models.CASCADE, db_index=False)
    event_id = models.CharField(max_length=128)
    read_id = models.BigIntegerField()  # no FK: see PlateRead's docstring
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "event_id"], name="receipt_per_event"
            )
        ]
        indexes = [
            # Consumer: the purge ("receipts older than the reads' retention").
            models.Index(fields=["received_at"], name="receipt_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> read {self.read_id}"


class ReadCorrection(models.Model):
    """A read's plate or state as a person corrected it; the original is kept
    here, so the history of a read is never lost (Civil Code 1798.90.51(b)(2)(F))."""

    read_id = models.BigIntegerField(db_index=True)  # no FK: see PlateRead's docstring
    plate_before = models.CharField(max_length=32)
    plate_after = models.CharField(max_length=32)
    state_before = models.CharField(max_length=8, blank=True)
    state_after = models.CharField(max_length=8, blank=True)
    corrected_by = models.CharField(max_length=150)
    corrected_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"read {self.read_id}: {self.plate_before} -> {self.plate_after}"
