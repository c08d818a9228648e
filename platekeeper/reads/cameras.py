"""The cameras page: each camera's health, for those who administer them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts.access import (
    AuthenticatedHttpRequest,
    gate,
)
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.reads import health
from platekeeper.reads.models import Camera


@login_required
def camera_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    in_force = current_rules()
    permits = gate(request.user, in_force[1] if in_force else None)
    if Capability.MANAGE_CAMERAS not in permits.capabilities:
        if needed := permits.training_for({Capability.MANAGE_CAMERAS}):
            return render(
                request,
                "accounts/training_needed.html",
                {"lacking": needed},
                status=403,
            )
        # R12: a privileged function refused is itself recorded.
        reason = "your job title may not administer cameras"
        record_access(
            Actor.of_request(request),
            Entry(
                Action.PRIVILEGED_REFUSED,
                {"function": "cameras"},
                outcome=Outcome.DENIED,
                reason=reason,
            ),
        )
        raise PermissionDenied(reason)
    now = timezone.now()
    cameras = Camera.objects.filter(agency=request.user.profile.agency).order_by("name")
    rows = [health.of(camera, now) for camera in cameras]
    return render(
        request,
        "reads/cameras.html",
        {
            "rows": rows,
            "low_confidence": health.LOW_CONFIDENCE,
            "offline": sum(r.offline for r in rows),
        },
    )
