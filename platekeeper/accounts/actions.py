"""Account state changes; each is recorded in the audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from platekeeper.accounts.models import Profile, TrainingRecord
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
