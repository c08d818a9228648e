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
    # A new account waits for a supervisor (R4): no sign-in before approval.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Contractors and vendor staff (R35): the firm they work for, and the CJIS
    # conditions that must be on file before their account can be approved.
    employer = models.CharField(max_length=200, blank=True)
    background_check_on = models.DateField(null=True, blank=True)
    security_addendum_on = models.DateField(null=True, blank=True)
    # Bumped when the job title changes: sessions opened before re-authenticate (R8).
    role_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user.username}, {self.job_title}, {self.agency.ori}"

    @property
    def is_pending(self) -> bool:
        return self.approved_at is None

    @property
    def organization(self) -> str:
        """Who the person acts for, as access records name it (vendor staff: the vendor)."""
        if self.affiliation == self.Affiliation.MEMBER or not self.employer:
            return self.agency.name
        return (
            f"{self.employer} ({self.get_affiliation_display()} for {self.agency.name})"
        )

    def missing_clearances(self) -> list[str]:
        """What CJIS asks to be on file before a non-member is activated (R35)."""
        if self.affiliation == self.Affiliation.MEMBER:
            return []
        missing = []
        if not self.employer:
            missing.append("the employing firm")
        if self.background_check_on is None:
            missing.append("a fingerprint-based background check date")
        if self.security_addendum_on is None:
            missing.append("a signed CJIS Security Addendum")
        return missing


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


class Terminal(models.Model):
    """A device the agency set up for one use (a patrol car's mobile data
    terminal, a dispatch console, an alert display), known by a cookie.

    The Policy says which kinds need not lock when idle (CJIS AC-11).
    """

    class Kind(models.TextChoices):
        MOBILE_DATA_TERMINAL = "mobile_data_terminal", "Patrol-car mobile data terminal"
        DISPATCH_CONSOLE = "dispatch_console", "Dispatch console"
        ALERT_DISPLAY = "alert_display", "Receive-only alert display"
        DESK = "desk", "Desk computer"

    agency = models.ForeignKey(Agency, models.PROTECT)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # SHA-256 of the cookie's token; the token itself is only in the browser.
    token_hash = models.CharField(max_length=64, unique=True)
    registered_by = models.CharField(max_length=150)
    registered_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class DataSourceGrant(models.Model):
    """Access to CJI from a data source (CLETS/NCIC), granted on top of the role
    (Policy 427.3(e)); it lapses with the certification the Policy ties to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="data_sources"
    )
    source = models.CharField(max_length=20)
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} {self.source}"


class AccountReview(models.Model):
    """The annual account and privilege review (R6): what was reviewed, signed off."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    agency = models.ForeignKey(Agency, models.PROTECT)
    signed_at = models.DateTimeField(default=timezone.now)
    # One row per account as the reviewer saw it.
    accounts = models.JSONField()
    remarks = models.TextField(blank=True)

    def __str__(self) -> str:
        return (
            f"review of {self.agency.ori} by {self.reviewer} {self.signed_at:%Y-%m-%d}"
        )


class ApiToken(models.Model):
    """A person's token for an integration (a CAD or RMS querying plates on their
    behalf): one at a time, short-lived, issued only to a session that passed
    the second factor. Only its SHA-256 is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
