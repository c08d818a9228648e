"""Searches held because their purpose mentions immigration enforcement (R32).

A held search is not run. A supervisor (the Administrative Division Commander
or designee, who approves sharing) reads it and releases it once, when the
words were not about immigration enforcement (a suspect named "Ice"), or
refuses it; both decisions are audited. A released search runs once, for the
same user with the same query, within a day.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.search.models import SearchHold

RELEASE_LIFETIME = timedelta(days=1)


def _key(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "criteria": {k: v for k, v in form.criteria().items() if k != "after"},
        "purpose": data["purpose"],
        "case_number": data["case_number"],
        "justification": data["justification"],
    }


def hold(user: Any, form: Any, words: list[str]) -> SearchHold:
    return SearchHold.objects.create(
        user=user,
        agency_id=user.profile.agency_id,
        words=", ".join(words),
        **_key(form),
    )


@transaction.atomic
def take_release(user: Any, form: Any) -> bool:
    """Use up a release of this very search, if a supervisor gave one."""
    released = (
        SearchHold.objects.select_for_update()
        .filter(
            user=user,
            decision=SearchHold.Decision.RELEASED,
            decided_at__gte=timezone.now() - RELEASE_LIFETIME,
            **_key(form),
        )
        .first()
    )
    if released is None:
        return False
    released.decision = SearchHold.Decision.USED
    released.save(update_fields=["decision"])
    return True


@transaction.atomic
def decide(held: SearchHold, supervisor: Any, release: bool, note: str) -> None:
    held.decision = (
        SearchHold.Decision.RELEASED if release else SearchHold.Decision.REFUSED
    )
    held.decided_by, held.decided_at, held.note = (
        supervisor,
        timezone.now(),
        note.strip(),
    )
    held.save(update_fields=["decision", "decided_by", "decided_at", "note"])
    record_in_action(
        Actor.of_user(supervisor),
        Entry(
            Action.SEARCH_HOLD_DECIDED,
            {"hold": held.pk, "user": held.user.username, "decision": held.decision},
            purpose=held.purpose,
            case_number=held.case_number,
            reason=held.note[:500],
        ),
    )


@login_required
def hold_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.APPROVE_SHARING, "search holds"):
        return refused
    agency_id = request.user.profile.agency_id
    if request.method == "POST":
        held = get_object_or_404(
            SearchHold,
            pk=int(raw) if (raw := request.POST.get("hold", "")).isdigit() else 0,
            agency_id=agency_id,
            decision=SearchHold.Decision.PENDING,
        )
        decide(
            held,
            request.user,
            request.POST.get("decision") == "release",
            request.POST.get("note", ""),
        )
    return render(
        request,
        "search/holds.html",
        {
            "holds": SearchHold.objects.filter(agency_id=agency_id)
            .select_related("user")
            .order_by("-held_at")[:200]
        },
    )
