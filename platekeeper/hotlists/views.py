"""The alert screen: the queue, one alert beside its entry, and what was done."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from platekeeper.accounts.access import AuthenticatedHttpRequest, capabilities
from platekeeper.accounts.guard import refusal
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, record_access
from platekeeper.audit.record import Entry as AuditEntry
from platekeeper.hotlists import alerts, categories
from platekeeper.hotlists.models import Alert, HotList
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import Rules
from platekeeper.reads.models import PlateRead, ReadCorrection

QUEUE = 100


def _rules() -> Rules:
    found = current_rules()
    if found is None:
        raise PermissionDenied("no Policy is published: ALPR data cannot be used")
    return found[1]


def stale_lists(agency_id: int) -> list[HotList]:
    now = timezone.now()
    return [h for h in HotList.objects.filter(agency_id=agency_id) if h.is_stale(now)]


ALERT_CAPABILITIES = {Capability.HANDLE_ALERTS, Capability.MANAGE_HOTLISTS}


@login_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rules = _rules()
    if not capabilities(request.user, rules) & ALERT_CAPABILITIES:
        if refused := refusal(request, Capability.HANDLE_ALERTS, "alerts"):
            return refused
    visible = alerts.visible_alerts(request.user, rules)
    queue = (
        visible.exclude(status=Alert.Status.CLOSED)
        .select_related("hit", "hot_list")
        .order_by("hot_list__priority", "-created_at")[:QUEUE]
    )
    return render(
        request,
        "hotlists/alerts.html",
        {
            "alerts": queue,
            "stale": stale_lists(request.user.profile.agency_id),
            "last_id": visible.order_by("-id").values_list("id", flat=True).first()
            or 0,
        },
    )


def _comparison(read: PlateRead | None, alert: Alert) -> list[dict[str, Any]]:
    """Read beside entry, each row marked where they disagree."""
    entry = alert.hit.entry
    rows = [
        ("Plate", read.plate_text if read else alert.hit.plate, entry.plate),
        ("State", read.state if read else "", entry.state),
        (
            "Vehicle",
            " ".join(
                v
                for v in (read.vehicle_color, read.vehicle_make, read.vehicle_type)
                if v
            )
            if read
            else "",
            entry.vehicle,
        ),
    ]
    return [
        {
            "label": label,
            "read": seen or "—",
            "entry": listed or "—",
            "mismatch": bool(seen and listed and seen.upper() != listed.upper()),
        }
        for label, seen, listed in rows
    ]


@login_required
def alert_detail(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Opening an alert is an access to ALPR data: recorded before it is shown."""
    rules = _rules()
    alert = (
        alerts.visible_alerts(request.user, rules)
        .select_related("hit__entry", "hot_list", "claimed_by")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise Http404("no such alert")
    if request.method == "POST":
        return _act(request, alert)
    entry = alert.hit.entry
    access = record_access(
        Actor.of_request(request),
        AuditEntry(
            Action.ALERT_VIEWED,
            {
                "alert": alert.pk,
                "plate": alert.hit.plate,
                "hot_list": alert.hot_list.name,
            },
            purpose=categories.purpose_of(entry.category, entry.purpose),
            case_number=entry.case_number or entry.record_id,
            result_ids=[alert.hit.read_id],
        ),
    )
    read = (
        PlateRead.objects.visible_to(request.user)
        .select_related("camera")
        .filter(pk=alert.hit.read_id)
        .first()
    )
    return render(
        request,
        "hotlists/alert.html",
        {
            "alert": alert,
            "entry": entry,
            "read": read,
            "access": access,
            "rows": _comparison(read, alert),
            "corrections": ReadCorrection.objects.filter(
                read_id=alert.hit.read_id
            ).order_by("corrected_at"),
            "details": alerts.sees_details(request.user, alert, rules),
            "category": categories.label(entry.category),
            "dispositions": Alert.Disposition.choices,
            "enforcements": Alert.Enforcement.choices,
            "results": Alert.Result.choices,
            "stale": alert.hot_list.is_stale(timezone.now()),
            "may_hold": Capability.HOLD_EVIDENCE in capabilities(request.user, rules),
            "map_tiles": settings.MAP_TILES,
            "map_attribution": settings.MAP_ATTRIBUTION,
        },
    )


def _act(request: AuthenticatedHttpRequest, alert: Alert) -> HttpResponse:
    data = request.POST
    step = data.get("step", "")
    try:
        if step == "claim":
            alerts.claim(alert, request.user)
        elif step == "verify":
            visual = {"yes": True, "no": False}.get(data.get("visual_match", ""))
            alerts.verify(
                alert,
                request.user,
                visual_match=visual,
                clets_result=data.get("clets_result", ""),
                originating_result=data.get("originating_result", ""),
            )
        elif step == "dispose":
            alerts.dispose(
                alert,
                request.user,
                disposition=data.get("disposition", ""),
                enforcement=data.get("enforcement", ""),
                result=data.get("result", ""),
                unverified_reason=data.get("unverified_reason", ""),
                corrected_plate=data.get("corrected_plate", ""),
                corrected_state=data.get("corrected_state", ""),
            )
        else:
            return HttpResponse("unknown step", status=400, content_type="text/plain")
    except alerts.Refused as exc:
        messages.error(request, f"Refused: {exc}")
    return redirect("hotlists-alert", alert_id=alert.pk)
