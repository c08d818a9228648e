"""The check in front of every privileged page: the capability, or a recorded refusal."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from platekeeper.accounts.access import AuthenticatedHttpRequest, gate_of
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import Capability


def refusal(
    request: AuthenticatedHttpRequest,
    capability: Capability | Collection[Capability],
    function: str,
) -> HttpResponse | None:
    """None when the user holds `capability` (or any one of several); else the
    training page, or raise PermissionDenied after recording the refusal (R12)."""
    wanted = {capability} if isinstance(capability, Capability) else set(capability)
    permits = gate_of(request)
    if permits.capabilities & wanted:
        return None
    if needed := permits.training_for(wanted):
        return render(
            request, "accounts/training_needed.html", {"lacking": needed}, status=403
        )
    reason = f"your job title may not use {function}"
    record_access(
        Actor.of_request(request),
        Entry(
            Action.PRIVILEGED_REFUSED,
            {"function": function},
            outcome=Outcome.DENIED,
            reason=reason,
        ),
    )
    raise PermissionDenied(reason)
