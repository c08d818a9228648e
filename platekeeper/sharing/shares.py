"""Standing shares (R33): another agency's users searching our reads directly.

Off unless the commander or the Policy's designee opens one on its own
approved law-enforcement request, with an end date within a year; reviewed
every `sharing.standing_review_days`, and stopped by itself when a review is
missed (StandingShare.objects.in_force). Every change, refused ones too, is
recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.rules import Rules
from platekeeper.sharing import eligibility
from platekeeper.sharing.actions import Refused, may_approve, record_refusal, summary
from platekeeper.sharing.models import ReleaseRequest, StandingShare

MAX_SHARE = timedelta(days=365)


def open_share(
    req: ReleaseRequest, approver: Any, ends_on: date, rules: Rules
) -> StandingShare:
    """Let the request's agency search our reads directly until `ends_on`: it needs
    its own approved law-enforcement request, an end date, and periodic review."""
    if not may_approve(approver, rules):
        raise record_refusal(
            approver,
            Action.SHARE_CHANGED,
            {**summary(req), "change": "open"},
            "only the commander or the Policy's designee opens a standing share",
        )
    if req.kind != ReleaseRequest.Kind.LAW_ENFORCEMENT or req.status not in (
        ReleaseRequest.Status.APPROVED,
        ReleaseRequest.Status.FULFILLED,
    ):
        raise Refused("a standing share rests on an approved law-enforcement request")
    if why_not := eligibility.refusal(req.recipient, req.kind, rules):
        raise Refused(why_not)
    today = timezone.localdate()
    if not today < ends_on <= today + MAX_SHARE:
        raise Refused("a standing share ends within a year")
    review = timedelta(days=rules.sharing.standing_review_days)
    with transaction.atomic():
        share = StandingShare.objects.create(
            owner_id=req.owner_id,
            recipient=req.recipient,
            request=req,
            ends_on=ends_on,
            review_on=min(ends_on, today + review),
            opened_by=approver,
        )
        record_in_action(
            Actor.of_user(approver),
            Entry(
                Action.SHARE_CHANGED,
                {
                    **summary(req),
                    "share": share.pk,
                    "change": "opened",
                    "ends_on": ends_on.isoformat(),
                },
                case_number=req.case_number,
            ),
        )
    return share


def review_share(share: StandingShare, approver: Any, rules: Rules) -> None:
    """The periodic review: the share goes on to the next review, or it stops."""
    if not may_approve(approver, rules):
        raise record_refusal(
            approver,
            Action.SHARE_CHANGED,
            {"share": share.pk, "change": "review"},
            "only the commander or the Policy's designee reviews a standing share",
        )
    if share.ended_at is not None:
        raise Refused("this share has ended")
    review = timezone.localdate() + timedelta(days=rules.sharing.standing_review_days)
    with transaction.atomic():
        StandingShare.objects.filter(pk=share.pk).update(
            review_on=min(share.ends_on, review)
        )
        record_in_action(
            Actor.of_user(approver),
            Entry(Action.SHARE_CHANGED, {"share": share.pk, "change": "reviewed"}),
        )


def end_share(share: StandingShare, user: Any, rules: Rules, reason: str) -> None:
    if not may_approve(user, rules):
        raise record_refusal(
            user,
            Action.SHARE_CHANGED,
            {"share": share.pk, "change": "end"},
            "only the commander or the Policy's designee ends a standing share",
        )
    with transaction.atomic():
        StandingShare.objects.filter(pk=share.pk, ended_at=None).update(
            ended_at=timezone.now(), ended_by=user
        )
        record_in_action(
            Actor.of_user(user),
            Entry(
                Action.SHARE_CHANGED,
                {"share": share.pk, "change": "ended"},
                justification=reason[:1000],
            ),
        )
