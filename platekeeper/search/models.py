"""Searches held for a supervisor (R32)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SearchHold(models.Model):
    """A search whose stated purpose mentions immigration enforcement: not run
    until a supervisor releases it (SB 54, Gov. Code 7284.6), and then only once."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a supervisor"
        RELEASED = "released", "Released: may run once"
        REFUSED = "refused", "Refused"
        USED = "used", "Released and run"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", models.PROTECT)
    criteria = models.JSONField()
    purpose = models.CharField(max_length=40)
    case_number = models.CharField(max_length=64, blank=True)
    justification = models.TextField(blank=True)
    words = models.CharField(max_length=200)
    held_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"hold {self.pk} ({self.get_decision_display()})"
