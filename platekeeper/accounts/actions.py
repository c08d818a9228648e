"""Account state changes; each is recorded in the audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from platekeeper.accounts.models import Agency, Profile, RetiredUsername, TrainingRecord
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action


class UnknownCourse(ValueError):
    pass


@transaction.atomic
def record_training(
    user: Any,
    course: str,
    completed_on: date,
    *,
    verified_by: str,
    actor: Actor,
    courses: set[str],
) -> TrainingRecord:
    """Record a completed course of the Policy's training (`courses`: their codes)."""
    if course not in courses:
        raise UnknownCourse(
            f"{course!r} is not a course of the Policy "
            f"({', '.join(sorted(courses)) or 'none'})"
        )
    record = TrainingRecord.objects.create(
        user=user, course=course, completed_on=completed_on, verified_by=verified_by
    )
    record_in_action(
        actor,
        Entry(
            Action.TRAINING_RECORDED,
            {
                "username": user.get_username(),
                "course": course,
                "completed_on": completed_on.isoformat(),
                "verified_by": verified_by,
            },
        ),
    )
    return record


@transaction.atomic
def unlock(user: Any, *, actor: Actor) -> None:
    """Release a locked account (R7): the account's lock and axes' failure count."""
    from axes.utils import reset

    Profile.objects.filter(user=user).update(locked_at=None)
    reset(username=user.get_username())
    record_in_action(
        actor, Entry(Action.ACCOUNT_UNLOCKED, {"username": user.get_username()})
    )


def disable_inactive(now: datetime, days: int, *, actor: Actor) -> list[str]:
    """Disable active accounts unused for `days` (never used: since they were made)."""
    cutoff = now - timedelta(days=days)
    stale = User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    disabled = []
    for user in stale:
        with transaction.atomic():
            if User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
                record_in_action(
                    actor,
                    Entry(
                        Action.ACCOUNT_DISABLED,
                        {"username": user.username},
                        reason=f"unused for {days} days",
                    ),
                )
                disabled.append(user.username)
    return disabled


USERNAME_QUARANTINE = timedelta(days=365)


class AccountRefused(ValueError):
    pass


@transaction.atomic
def create_account(
    username: str,
    password: str,
    *,
    agency: Agency,
    job_title: str,
    affiliation: str,
    actor: Actor,
    employer: str = "",
    background_check_on: date | None = None,
    security_addendum_on: date | None = None,
) -> Any:
    """Create an individual account, pending until a supervisor approves it (R4);
    a username removed within a year is refused (R1)."""
    since = timezone.now() - USERNAME_QUARANTINE
    if RetiredUsername.objects.filter(
        username__iexact=username, retired_at__gte=since
    ).exists():
        raise AccountRefused(
            f"{username!r} belonged to a removed account within the last "
            "year; identifiers are not reused (CJIS IA-4)"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRefused(f"{username!r} is taken")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise AccountRefused("; ".join(exc.messages)) from exc
    user = User.objects.create_user(username, password=password)
    Profile.objects.create(
        user=user,
        agency=agency,
        job_title=job_title,
        affiliation=affiliation,
        employer=employer,
        background_check_on=background_check_on,
        security_addendum_on=security_addendum_on,
    )
    record_in_action(
        actor,
        Entry(
            Action.ACCOUNT_CREATED,
            {
                "username": username,
                "agency": agency.ori,
                "job_title": job_title,
                "affiliation": affiliation,
                "employer": employer,
            },
            reason="pending a supervisor's approval",
        ),
    )
    return user
