"""Account lifecycle after creation: approval, title changes, data-source grants.

Each is recorded through the one audit write path in the same transaction as
the change (R4, R17).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from platekeeper.accounts.access import capabilities
from platekeeper.accounts.models import DataSourceGrant, Profile, TrainingRecord
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import DataSource, Rules


class Refused(ValueError):
    """The change breaks a rule; the message says which."""


@transaction.atomic
def approve(user: Any, *, approver: Any, rules: Rules) -> None:
    """A supervisor activates a pending account (R4); non-members need their CJIS
    clearances on file first (R35)."""
    profile = Profile.objects.select_for_update().get(user=user)
    if not profile.is_pending:
        raise Refused(f"{user.username} is already approved")
    if approver.pk == user.pk:
        raise Refused("no one approves their own account")
    approver_profile = getattr(approver, "profile", None)
    if (
        approver_profile is None
        or approver_profile.agency_id != profile.agency_id
        or Capability.MANAGE_ACCOUNTS not in capabilities(approver, rules)
    ):
        raise Refused(
            f"{approver.username} may not approve accounts of {profile.agency.name}"
        )
    missing = profile.missing_clearances()
    if missing:
        raise Refused("not on file: " + "; ".join(missing) + " (CJIS 5.1.1.5, R35)")
    profile.approved_at = timezone.now()
    profile.approved_by = approver
    profile.save(update_fields=["approved_at", "approved_by"])
    record_in_action(
        Actor.of_user(approver),
        Entry(
            Action.ACCOUNT_APPROVED,
            {"username": user.username, "job_title": profile.job_title},
        ),
    )


@transaction.atomic
def change_title(user: Any, title: str, *, actor: Actor, rules: Rules) -> None:
    """Give a user another job title; their open sessions sign in again (R8)."""
    if title and not rules.capabilities_of(title):
        raise Refused(f"{title!r} is not a job title of the Policy (R2)")
    profile = Profile.objects.select_for_update().get(user=user)
    before = profile.job_title
    profile.job_title = title
    profile.role_changed_at = timezone.now()
    profile.save(update_fields=["job_title", "role_changed_at"])
    record_in_action(
        actor,
        Entry(
            Action.ACCOUNT_CHANGED,
            {"username": user.username, "job_title": title, "was": before},
        ),
    )


def certified_until(user: Any, source: DataSource) -> date | None:
    """When the user's certification for `source` runs out (None: never certified)."""
    last = TrainingRecord.objects.filter(
        user=user, course=source.certification.code
    ).aggregate(last=Max("completed_on"))["last"]
    if last is None:
        return None
    return last + timedelta(days=source.certification.valid_days)


def may_see(user: Any, code: str, rules: Rules) -> bool:
    """Whether the user may see a source record's details now (427.3(e), R39):
    a standing grant and a current certification."""
    source = rules.data_source(code)
    if source is None or not user.is_authenticated:
        return False
    granted = DataSourceGrant.objects.filter(
        user=user, source=code, revoked_at=None
    ).exists()
    until = certified_until(user, source)
    return granted and until is not None and until >= timezone.localdate()


@transaction.atomic
def grant(user: Any, code: str, *, actor: Actor, rules: Rules) -> DataSourceGrant:
    source = rules.data_source(code)
    if source is None:
        known = ", ".join(d.code for d in rules.data_sources) or "none"
        raise Refused(f"{code!r} is not a data source of the Policy ({known})")
    until = certified_until(user, source)
    if until is None or until < timezone.localdate():
        raise Refused(
            f"{user.username} has no current {source.certification.label}; "
            "record it first"
        )
    if DataSourceGrant.objects.filter(user=user, source=code, revoked_at=None).exists():
        raise Refused(f"{user.username} already holds {code}")
    row = DataSourceGrant.objects.create(
        user=user, source=code, granted_by=actor.username
    )
    record_in_action(
        actor,
        Entry(
            Action.DATA_SOURCE_GRANTED,
            {"username": user.username, "source": code, "certified_until": str(until)},
        ),
    )
    return row


@transaction.atomic
def revoke(user: Any, code: str, *, actor: Actor) -> None:
    if not DataSourceGrant.objects.filter(
        user=user, source=code, revoked_at=None
    ).update(revoked_at=timezone.now()):
        raise Refused(f"{user.username} holds no {code} grant")
    record_in_action(
        actor,
        Entry(Action.DATA_SOURCE_REVOKED, {"username": user.username, "source": code}),
    )
