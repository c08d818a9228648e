from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """The audit log is append-only: nothing may change or remove an entry."""


class AccessRecordQuerySet(models.QuerySet["AccessRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("access records cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("access records cannot be deleted")

    # bulk_update goes through update(); bulk_create is allowed only via record.py.


class Action(models.TextChoices):
    SEARCH = "search", "Plate search"
    READ_DETAIL = "read_detail", "Read detail viewed"
    IMAGE_VIEW = "image_view", "Image viewed"
    POLICY_PUBLISHED = "policy_published", "Policy version published"
    POLICY_DRAFTED = "policy_drafted", "Policy draft saved"
    CAMERA_CREATED = "camera_created", "Camera created"
    CAMERA_KEY_ROTATED = "camera_key_rotated", "Camera key rotated"
    CAMERA_KEY_REVOKED = "camera_key_revoked", "Camera key revoked"
    CAMERA_APPROVED = "camera_approved", "Camera approved as ALPR camera"
    ACCOUNT_CREATED = "account_created", "Account created"
    TRAINING_RECORDED = "training_recorded", "Training recorded"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOGOUT = "logout", "Signed out"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    ACCOUNT_UNLOCKED = "account_unlocked", "Account released by an administrator"
    ACCOUNT_DISABLED = "account_disabled", "Account disabled"
    PRIVILEGED_REFUSED = "privileged_refused", "Privileged function refused"
    ACCOUNT_APPROVED = "account_approved", "Account approved by a supervisor"
    ACCOUNT_CHANGED = "account_changed", "Account changed"
    MFA_ENROLLED = "mfa_enrolled", "Authenticator enrolled"
    MFA_FAILED = "mfa_failed", "One-time code refused"
    SESSION_ENDED = "session_ended", "Session ended by the session rules"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    TERMINAL_REGISTERED = "terminal_registered", "Terminal registered"
    DATA_SOURCE_GRANTED = "data_source_granted", "Data-source access granted"
    DATA_SOURCE_REVOKED = "data_source_revoked", "Data-source access revoked"
    ACCOUNT_REVIEW_SIGNED = "account_review_signed", "Account review signed off"
    API_TOKEN_ISSUED = "api_token_issued", "API token issued"
    API_TOKEN_REFUSED = "api_token_refused", "API token refused"
    HOTLIST_CREATED = "hotlist_created", "Hot list created"
    HOTLIST_REFRESHED = "hotlist_refreshed", "Hot list refreshed"
    ENTRY_ADDED = "entry_added", "Hot-list entry added"
    ENTRY_RENEWED = "entry_renewed", "Hot-list entry renewed"
    ENTRY_CLEARED = "entry_cleared", "Hot-list entry cleared or recovered"
    LOOK_BACK = "look_back", "Stored reads checked against a new entry"
    ALERT_VIEWED = "alert_viewed", "Alert opened"
    HOTLIST_DOWNLOADED = "hotlist_downloaded", "Hot list copied to a patrol car"
    PLATE_PHOTO_READ = "plate_photo_read", "Photo read for plates"
    ALERT_CLAIMED = "alert_claimed", "Alert claimed"
    ALERT_VERIFIED = "alert_verified", "Alert verification recorded"
    ALERT_DISPOSED = "alert_disposed", "Alert disposed of"
    READ_CORRECTED = "read_corrected", "Read corrected"
    SEARCH_HOLD_DECIDED = "search_hold_decided", "Held search released or refused"
    EXPORT = "export", "Search results exported"
    AUDIT_VIEWED = "audit_viewed", "Audit log read"
    AUDIT_OPENED = "audit_opened", "Audit opened"
    AUDIT_SIGNED = "audit_signed", "Audit signed off"
    AUDIT_ESCALATED = "audit_escalated", "Overdue audit escalated"
    FLAG_RAISED = "flag_raised", "Monitoring flag raised"
    PURGE = "purge", "Expired data purged"
    BACKUP = "backup", "All data copied to a backup"
    RESEAL = "reseal", "All images and documents sealed again under a new key"
    HOLD_PLACED = "hold_placed", "Legal hold placed"
    HOLD_VIEWED = "hold_viewed", "Legal hold opened"
    HOLD_APPROVED = "hold_approved", "Legal hold approved"
    HOLD_RENEWED = "hold_renewed", "Legal hold kept to a new review date"
    HOLD_RELEASED = "hold_released", "Legal hold released"
    HOLD_ESCALATED = "hold_escalated", "Legal hold past its review date escalated"
    EVIDENCE_PACKAGE = "evidence_package", "Evidence package made"
    RETENTION_REVIEWED = "retention_reviewed", "Retention reviewed"
    RELEASE_ENTERED = "release_entered", "Release request entered"
    RELEASE_DECIDED = "release_decided", "Release request reviewed"
    RELEASE_FULFILLED = "release_fulfilled", "Release request fulfilled"
    AGENCY_REGISTERED = "agency_registered", "Agency added to the registry"
    SHARE_CHANGED = "share_changed", "Standing share opened, reviewed or ended"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"


# The fields each hash version covers, in order. A new column goes into a new
# version; entries keep the version they were written with, so old hashes still
# verify after the table grows.
HASH_FIELDS: dict[int, tuple[str, ...]] = {
    1: (
        "code",
        "at",
        "actor_username",
        "actor_agency",
        "actor_agency_ori",
        "action",
        "criteria",
        "purpose",
        "case_number",
        "justification",
        "result_count",
        "result_ids",
        "client_address",
        "outcome",
        "reason",
        "policy_version",
        "prev_hash",
    ),
}
HASH_VERSION = 1


class AccessRecord(models.Model):
    """One access to ALPR data or one audited state change (Civ. Code 1798.90.52)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Consumer: the audit browser's time filter and the purge of expired records.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Snapshots, so the record still names the person after the account is gone.
    actor_username = models.CharField(max_length=150)
    actor_agency = models.CharField(max_length=200, blank=True)
    actor_agency_ori = models.CharField(max_length=9, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    criteria = models.JSONField(default=dict)
    purpose = models.CharField(max_length=200, blank=True)
    case_number = models.CharField(max_length=64, blank=True)
    justification = models.TextField(blank=True)
    result_count = models.IntegerField(null=True, blank=True)
    result_ids = models.JSONField(default=list)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    hash_version = models.PositiveSmallIntegerField(default=HASH_VERSION)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        indexes = [
            # Consumer: the audit browser's "what did this user do" filter.
            models.Index(fields=["actor_username", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("access records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("access records cannot be deleted")

    def compute_hash(self) -> str:
        fields = HASH_FIELDS[self.hash_version]
        return entry_hash(self.hash_version, {f: getattr(self, f) for f in fields})


def _canonical(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def entry_hash(version: int, values: dict[str, Any]) -> str:
    payload = [version] + [_canonical(values[f]) for f in HASH_FIELDS[version]]
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode()).hexdigest()


GENESIS = "0" * 64


class Audit(models.Model):
    """A scheduled audit of searches and hot-list entries (Policy 427.5(c), R41),
    or the weekly review of the security log (R42). Immutable once signed off."""

    class Kind(models.TextChoices):
        SEARCHES = "searches", "Search and hot-list audit"
        SECURITY_LOG = "security_log", "Weekly security-log review"

    agency = models.ForeignKey("accounts.Agency", models.PROTECT)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SEARCHES)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    findings = models.TextField(blank=True)
    resolution = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk
            and Audit.objects.filter(pk=self.pk, signed_off_at__isnull=False).exists()
        ):
            raise AppendOnly("a signed-off audit cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("audits are kept")

    @property
    def closed(self) -> bool:
        return self.signed_off_at is not None


class AuditItem(models.Model):
    """One sampled search (or hot-list entry) and the auditor's verdict."""

    audit = models.ForeignKey(Audit, models.PROTECT, related_name="items")
    # An access record (a search, an export) or, for entries, the entry's id.
    # No database constraint: the audit log stays a table of its own, which
    # TRUNCATE reaches only to be refused by its trigger.
    record = models.ForeignKey(
        AccessRecord,
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    hotlist_entry_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    flags = models.JSONField(default=list, blank=True)
    justified = models.BooleanField(null=True)
    note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.summary

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Audit.objects.filter(pk=self.audit_id, signed_off_at__isnull=False).exists():
            raise AppendOnly("a signed-off audit cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("audits are kept")


class MonitorState(models.Model):
    """One row: the last access record the monitor has looked at."""

    last_record_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"monitored up to {self.last_record_id}"


class StaffPlate(models.Model):
    """An employee's own plate: a search for it is flagged when the Policy turns
    the staff watch list on (off by default: the list is itself personal data)."""

    agency = models.ForeignKey("accounts.Agency", models.PROTECT)
    plate = models.CharField(max_length=16)
    employee = models.CharField(max_length=150)
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "plate"], name="staff_plate_once")
        ]

    def __str__(self) -> str:
        return f"{self.plate} ({self.employee})"
