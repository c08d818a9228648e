"""The cameras page: each camera's health, for those who administer them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.policy.capabilities import Capability
from platekeeper.reads import health
from platekeeper.reads.models import Camera


@login_required
def camera_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.MANAGE_CAMERAS, "cameras"):
        return refused
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
