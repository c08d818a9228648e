"""Written release requests and standing shares (Policy 427.6, R30–R34).

A request is kept at least two years (the Policy's sharing-records
retention): no purge removes one, and the model refuses deletion.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from platekeeper.accounts.models import Agency


class Kept(Exception):
    pass


class ReleaseRequest(models.Model):
    class Kind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law-enforcement or prosecutorial request"
        COURT_ORDER = "court_order", "Court order (through the City Attorney)"
        SUBPOENA = "subpoena", "Subpoena (through the City Attorney)"
        PUBLIC_RECORDS = "public_records", "Public-records request (pseudonymized)"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        REFUSED = "refused", "Refused: recipient not eligible"
        FULFILLED = "fulfilled", "Fulfilled"

    # Whose data: the agency of the staff who entered it.
    owner = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    requester_name = models.CharField(max_length=200)
    requester_contact = models.CharField(max_length=200)
    purpose = models.CharField(max_length=1000)
    case_number = models.CharField(max_length=64)
    legal_authority = models.CharField(max_length=300)
    # Court orders and subpoenas go through the City Attorney: their reference.
    city_attorney = models.CharField(max_length=200, blank=True)
    # The data asked for: plates within a time range.
    plates = models.JSONField(default=list)
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The written request, in the blob store (SHA-256), with its file name.
    document = models.CharField(max_length=64)
    document_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    refusal = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    # Emergency: run before the designee's approval, which is due within hours.
    emergency = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=1000, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    package = models.CharField(max_length=64, blank=True)  # blob digest
    package_sha256 = models.CharField(max_length=64, blank=True)
    download_until = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "status"], name="release_owner"),
        ]

    def __str__(self) -> str:
        return f"release request {self.pk} from {self.recipient}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Kept("release requests are kept (Policy 427.6(c): at least two years)")


class StandingShareQuerySet(models.QuerySet["StandingShare"]):
    def in_force(self, today: date) -> StandingShareQuerySet:
        """Shares that let their recipient search now: not ended, within their end
        date, and reviewed on time (an unreviewed share stops by itself)."""
        return self.filter(
            ended_at=None,
            starts_on__lte=today,
            ends_on__gte=today,
            review_on__gte=today,
        )


class StandingShare(models.Model):
    """Another agency's users searching our reads directly (R33). Off unless one
    of these is in force; each rests on its own approved release request."""

    owner = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    request = models.ForeignKey(ReleaseRequest, models.PROTECT, related_name="shares")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField()
    review_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = StandingShareQuerySet.as_manager()

    def __str__(self) -> str:
        return f"standing share to {self.recipient} until {self.ends_on}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Kept("standing shares are sharing records: they are ended, not deleted")


def owners_shared_with(agency_id: int, today: date) -> list[int]:
    """The agencies whose reads `agency_id`'s users may search under a share."""
    return list(
        StandingShare.objects.in_force(today)
        .filter(recipient_id=agency_id)
        .values_list("owner_id", flat=True)
    )
