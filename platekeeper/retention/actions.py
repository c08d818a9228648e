"""Legal holds: placed, approved, released, escalated; each change audited (R26).

A hold is placed by someone who may hold evidence (an investigator, the
custodian) on reads they may see, and protects them from that moment. The
custodian approves it (not the one who placed it) and releases it when the
case no longer needs the data; released reads are purgeable again at the
next run. A hold past its review date is escalated once to the custodian and
the commander.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from platekeeper.accounts.access import holders
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules
from platekeeper.reads.models import PlateRead
from platekeeper.retention.models import HeldRead, Hold

SYSTEM = Actor.system("holds")


class Refused(ValueError):
    pass


@dataclass(frozen=True)
class HoldRequest:
    case_number: str
    evidence_item: str
    requester: str
    reason: str
    review_on: date


def place(user: Any, read_ids: Iterable[int], request: HoldRequest) -> Hold:
    """Hold the reads the user may see among `read_ids`."""
    reads = list(
        PlateRead.objects.visible_to(user)
        .filter(id__in=sorted(set(read_ids)))
        .values_list("id", "captured_at")
    )
    if not reads:
        raise Refused("none of those reads is one you may see")
    if request.review_on <= timezone.localdate():
        raise Refused("the review date must be in the future")
    with transaction.atomic():
        hold = Hold.objects.create(
            agency_id=user.profile.agency_id,
            placed_by=user,
            case_number=request.case_number,
            evidence_item=request.evidence_item,
            requester=request.requester,
            reason=request.reason,
            review_on=request.review_on,
        )
        HeldRead.objects.bulk_create(
            HeldRead(hold=hold, read_id=pk, captured_at=at) for pk, at in reads
        )
        record_in_action(
            Actor.of_user(user),
            Entry(
                Action.HOLD_PLACED,
                {
                    "hold": hold.pk,
                    "evidence_item": hold.evidence_item,
                    "requester": hold.requester,
                    "review_on": hold.review_on.isoformat(),
                },
                case_number=hold.case_number,
                justification=hold.reason,
                result_ids=[pk for pk, _ in reads],
            ),
        )
    return hold


def _locked(hold: Hold) -> Hold:
    return Hold.objects.select_for_update().get(pk=hold.pk)


def approve(hold: Hold, custodian: Any) -> Hold:
    with transaction.atomic():
        locked = _locked(hold)
        if locked.status != Hold.Status.PENDING:
            raise Refused(f"this hold is {locked.get_status_display().lower()}")
        if locked.placed_by_id == custodian.pk:
            raise Refused("a hold is approved by someone other than who placed it")
        locked.status = Hold.Status.APPROVED
        locked.approved_by, locked.approved_at = custodian, timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        record_in_action(
            Actor.of_user(custodian),
            Entry(
                Action.HOLD_APPROVED,
                {"hold": locked.pk},
                case_number=locked.case_number,
            ),
        )
    return locked


def renew(hold: Hold, custodian: Any, review_on: date) -> Hold:
    """Keep the hold to a new review date (the case still needs the data)."""
    if review_on <= timezone.localdate():
        raise Refused("the new review date must be in the future")
    with transaction.atomic():
        locked = _locked(hold)
        if locked.status == Hold.Status.RELEASED:
            raise Refused("a released hold cannot be renewed: place a new one")
        before = locked.review_on
        locked.review_on, locked.escalated_at = review_on, None
        locked.save(update_fields=["review_on", "escalated_at"])
        record_in_action(
            Actor.of_user(custodian),
            Entry(
                Action.HOLD_RENEWED,
                {
                    "hold": locked.pk,
                    "review_on": review_on.isoformat(),
                    "was": before.isoformat(),
                },
                case_number=locked.case_number,
            ),
        )
    return locked


def release(hold: Hold, custodian: Any, reason: str) -> Hold:
    if not reason.strip():
        raise Refused("say why the hold is released")
    with transaction.atomic():
        locked = _locked(hold)
        if locked.status == Hold.Status.RELEASED:
            raise Refused("this hold is already released")
        locked.status = Hold.Status.RELEASED
        locked.released_by, locked.released_at = custodian, timezone.now()
        locked.release_reason = reason.strip()
        locked.save(
            update_fields=["status", "released_by", "released_at", "release_reason"]
        )
        record_in_action(
            Actor.of_user(custodian),
            Entry(
                Action.HOLD_RELEASED,
                {"hold": locked.pk},
                case_number=locked.case_number,
                justification=locked.release_reason,
            ),
        )
    return locked


def escalate_overdue(rules: Rules, now: datetime) -> list[Hold]:
    """Tell the custodian and the commander about holds past their review date."""
    done = []
    overdue = Hold.objects.filter(
        review_on__lt=timezone.localdate(now), escalated_at=None
    ).exclude(status=Hold.Status.RELEASED)
    for hold in overdue.select_related("agency"):
        told = holders(hold.agency, Capability.MANAGE_RETENTION, rules) + holders(
            hold.agency, Capability.APPROVE_SHARING, rules
        )
        addresses = sorted({u.email for u in told if u.email})
        if addresses:
            send_mail(
                "Platekeeper: a legal hold is past its review date",
                f"{hold} (requested by {hold.requester}) was due for review on "
                f"{hold.review_on:%Y-%m-%d}. Renew it with a new review date or release it.",
                None,
                addresses,
            )
        with transaction.atomic():
            Hold.objects.filter(pk=hold.pk).update(escalated_at=now)
            record_in_action(
                SYSTEM,
                Entry(
                    Action.HOLD_ESCALATED,
                    {"hold": hold.pk, "to": sorted({u.username for u in told})},
                    case_number=hold.case_number,
                    outcome=Outcome.DENIED,
                    reason="past its review date",
                ),
            )
        done.append(hold)
    return done
