from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Agency(models.Model):
    """A public body (or not) that owns data or asks for it; picked by its ORI."""

    class Type(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        PROSECUTOR = "prosecutor", "Prosecutor"
        OTHER_PUBLIC = "other_public", "Other public agency"
        COMMERCIAL = "commercial", "Commercial"
        PRIVATE = "private", "Private"

    class Level(models.TextChoices):
        LOCAL = "local", "Local"
        STATE = "state", "State"
        FEDERAL = "federal", "Federal"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    ori = models.CharField("ORI", max_length=9, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    # Two-letter postal code; empty for non-government bodies.
    state = models.CharField(max_length=2, blank=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.ori})"


class Profile(models.Model):
    """What Platekeeper knows of a user beyond Django's auth: agency and job title."""

    class Affiliation(models.TextChoices):
        MEMBER = "member", "Department member"
        CONTRACTOR = "contractor", "Independent contractor"
        VENDOR = "vendor", "Vendor staff"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE)
    agency = models.ForeignKey(Agency, models.PROTECT)
    # Capabilities come from the published Policy's entry for this title.
    job_title = models.CharField(max_length=100)
    affiliation = models.CharField(
        max_length=12, choices=Affiliation.choices, default=Affiliation.MEMBER
    )
    # Set at a lockout (R7); only an administrator clears it.
    locked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user.username}, {self.job_title}, {self.agency.ori}"


class TrainingRecord(models.Model):
    """That a user completed a course of the Policy's training, verified by someone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="training"
    )
    # A Training.code of the Policy ("alpr", "cjis_awareness", ...).
    course = models.CharField(max_length=40)
    completed_on = models.DateField()
    verified_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["user", "course", "completed_on"], name="training_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.course} {self.completed_on}"


class RetiredUsername(models.Model):
    """A removed account's username, not to be given again within a year (R1)."""

    username = models.CharField(max_length=150, db_index=True)
    retired_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.username} (retired {self.retired_at:%Y-%m-%d})"
