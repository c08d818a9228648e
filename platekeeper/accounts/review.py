"""The annual account and privilege review (CJIS AC-2(j), AC-6(7); R6).

The report lists every account of the agency with its role, training status,
last sign-in and approver; a reviewer signs it off, and the sign-off keeps the
rows as they were seen.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts import training
from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.accounts.models import AccountReview, Agency
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import Rules


def _when(moment: Any) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""


def rows(agency: Agency, rules: Rules) -> list[dict[str, Any]]:
    """Every account of the agency, as the review shows it."""
    today = timezone.localdate()
    users = (
        User.objects.filter(profile__agency=agency)
        .select_related("profile__approved_by")
        .prefetch_related("data_sources")
        .order_by("username")
    )
    out = []
    for user in users:
        profile = user.profile  # type: ignore[attr-defined]
        lacking = training.missing(user, rules, today)
        out.append(
            {
                "username": user.username,
                "name": user.get_full_name(),
                "job_title": profile.job_title,
                "capabilities": sorted(rules.capabilities_of(profile.job_title)),
                "affiliation": profile.get_affiliation_display(),
                "employer": profile.employer,
                "training": "current"
                if not lacking
                else "missing or expired: " + ", ".join(t.code for t in lacking),
                "data_sources": sorted(
                    g.source
                    for g in user.data_sources.all()  # type: ignore[attr-defined]
                    if g.revoked_at is None
                ),
                "last_login": _when(user.last_login),
                "approved_by": profile.approved_by.username
                if profile.approved_by
                else ("set-up" if profile.approved_at else ""),
                "status": _status(user, profile),
            }
        )
    return out


def _status(user: Any, profile: Any) -> str:
    if not user.is_active:
        return "disabled"
    if profile.locked_at:
        return "locked"
    if profile.is_pending:
        return "pending approval"
    return "active"


@transaction.atomic
def sign_off(
    reviewer: Any, agency: Agency, rules: Rules, remarks: str
) -> AccountReview:
    seen = rows(agency, rules)
    review = AccountReview.objects.create(
        reviewer=reviewer, agency=agency, accounts=seen, remarks=remarks
    )
    record_in_action(
        Actor.of_user(reviewer),
        Entry(
            Action.ACCOUNT_REVIEW_SIGNED,
            {"review": review.pk, "agency": agency.ori, "accounts": len(seen)},
            result_count=len(seen),
        ),
    )
    return review


@login_required
def review_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.REVIEW_AUDIT, "the account review"):
        return refused
    found = current_rules()
    assert found is not None  # refusal() grants nothing without a Policy
    agency = request.user.profile.agency
    signed = None
    if request.method == "POST":
        signed = sign_off(
            request.user, agency, found[1], request.POST.get("remarks", "")
        )
    last = AccountReview.objects.filter(agency=agency).order_by("-signed_at").first()
    return render(
        request,
        "accounts/review.html",
        {"rows": rows(agency, found[1]), "signed": signed, "last": last},
    )
