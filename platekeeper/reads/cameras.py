"""The cameras page: each camera's health, for those who administer them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.hotlists.alerts import false_hits_by_camera
from platekeeper.policy.capabilities import Capability
from platekeeper.reads import health
from platekeeper.reads.models import Camera

# Alerts are few: a month gives the false-hit share something to count.
ACCURACY_WINDOW = timedelta(days=30)


@login_required
def camera_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.MANAGE_CAMERAS, "cameras"):
        return refused
    now = timezone.now()
    cameras = Camera.objects.filter(agency=request.user.profile.agency).order_by("name")
    accuracy = false_hits_by_camera(
        request.user.profile.agency_id, now - ACCURACY_WINDOW
    )
    rows = []
    for camera in cameras:
        closed, false = accuracy.get(camera.id, (0, 0))
        rows.append(
            replace(health.of(camera, now), disposed_alerts=closed, false_hits=false)
        )
    return render(
        request,
        "reads/cameras.html",
        {
            "rows": rows,
            "low_confidence": health.LOW_CONFIDENCE,
            "offline": sum(r.offline for r in rows),
        },
    )
