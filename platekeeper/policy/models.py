from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from platekeeper.policy.rules import Rules


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def published(self) -> PolicyVersionQuerySet:
        return self.filter(status=PolicyVersion.Status.PUBLISHED)

    def current(self) -> PolicyVersion | None:
        """The Policy in force: the newest published version."""
        return self.published().order_by("-number").first()


class ImmutablePolicy(Exception):
    pass


class PolicyVersion(models.Model):
    """One version of the department's ALPR policy; published versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    rules = models.JSONField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by_username = models.CharField(max_length=150, blank=True)
    # The public text as it read when published: frozen with the version (R21).
    rendered = models.TextField(blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Policy v{self.number} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = PolicyVersion.objects.filter(pk=self.pk).values_list(
                "status", flat=True
            )
            if stored.first() == self.Status.PUBLISHED:
                raise ImmutablePolicy("a published Policy version never changes")
        # Validate on every save so that no unenforceable rule reaches the table.
        self.rules = Rules.model_validate(self.rules).model_dump(mode="json")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status == self.Status.PUBLISHED:
            raise ImmutablePolicy("a published Policy version is never deleted")
        return super().delete(*args, **kwargs)

    @property
    def parsed(self) -> Rules:
        return Rules.model_validate(self.rules)


def current_rules() -> tuple[PolicyVersion, Rules] | None:
    version = PolicyVersion.objects.current()
    return (version, version.parsed) if version else None


def rules_of(request: Any) -> tuple[PolicyVersion, Rules] | None:
    """The Policy in force for one request: read once (the session rules, the
    page's guard and the header all ask), then kept on the request."""
    if not hasattr(request, "policy_in_force"):
        request.policy_in_force = current_rules()
    found: tuple[PolicyVersion, Rules] | None = request.policy_in_force
    return found
