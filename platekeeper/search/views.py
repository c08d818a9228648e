from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts.access import AuthenticatedHttpRequest, gate_of
from platekeeper.accounts.guard import refusal
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import rules_of
from platekeeper.reads import blobs
from platekeeper.reads.models import PlateRead
from platekeeper.search import canvass, criteria, run, tables

# How long a search's purpose covers opening its results.
CONTEXT_LIFETIME = timedelta(hours=1)


def _may(request: AuthenticatedHttpRequest) -> dict[str, bool]:
    caps = gate_of(request).capabilities
    return {
        "may_export": Capability.EXPORT in caps,
        "may_hold": Capability.HOLD_EVIDENCE in caps,
    }


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The plate search: a purpose from the Policy first, the access recorded before results."""
    data = request.POST if request.method == "POST" else None
    done = run.plate_search(
        request.user, Actor.of_request(request), data, request=request
    )
    if done.lacking:
        return render(
            request,
            "accounts/training_needed.html",
            {"lacking": done.lacking},
            status=done.status,
        )
    if done.refused or done.access is None:
        return render(
            request,
            "search/form.html",
            {
                "form": done.form,
                "refused": done.refused,
                "held": done.held,
                **_map(request),
            },
            status=done.status,
        )
    assert done.form is not None
    cleaned = done.form.cleaned_data
    rows = [
        (
            r,
            criteria.rule_of(cleaned["plate"], cleaned["match"], r.plate.plate)
            if cleaned["plate"]
            else "",
        )
        for r in done.reads
    ]
    return render(
        request,
        "search/results.html",
        {
            "form": done.form,
            "reads": done.reads,
            "rows": rows,
            "table": tables.result_rows(rows, done.access),
            "map_reads": tables.map_reads(done.reads),
            "more": done.more,
            "count": done.count,
            "cursor": done.cursor,
            "access": done.access,
            "purpose": done.purpose,
            "policy_version": done.policy_version,
            "withheld": done.withheld,
            **_may(request),
            "hidden": hidden_fields(done.form),
            **_map(request),
        },
    )


def _map(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """What the maps need: tiles, the agency's cameras, a centre among them."""
    cameras: list[dict[str, Any]] = [
        {"name": name, "lat": lat, "lon": lon}
        for _, name, lat, lon in run.agency_cameras(request.user, request)
        if lat is not None and lon is not None
    ]
    center = (
        (
            sum(c["lat"] for c in cameras) / len(cameras),
            sum(c["lon"] for c in cameras) / len(cameras),
        )
        if cameras
        else (0.0, 0.0)
    )
    return {
        "map_tiles": settings.MAP_TILES,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "map_cameras": json.dumps(cameras),
        "map_center": center,
    }


def hidden_fields(form: Any) -> list[tuple[str, str]]:
    """The submitted query as (name, value) pairs, for next-page and export forms."""
    return [
        (k, v)
        for k in form.data
        if k not in ("csrfmiddlewaretoken", "after", "format", "kind")
        for v in form.data.getlist(k)
    ]


@login_required
def canvass_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every read around an incident, grouped by plate; recorded first."""
    if refused := refusal(request, Capability.CANVASS, "canvass"):
        return refused
    if request.method != "POST":
        in_force = rules_of(request)
        assert in_force is not None  # the guard above needs a Policy in force
        form = canvass.CanvassForm(rules=in_force[1])
        return render(request, "search/canvass.html", {"form": form, **_map(request)})
    done = canvass.run(request)
    return render(
        request,
        "search/canvass.html",
        {
            "form": done.form,
            "groups": done.groups,
            "table": tables.canvass_rows(done.groups, done.access)
            if done.access
            else "",
            "access": done.access,
            "refused": done.refused,
            **_may(request),
            "hidden": hidden_fields(done.form),
            **_map(request),
        },
        status=done.status,
    )


def _context_access(request: AuthenticatedHttpRequest) -> AccessRecord | None:
    """The user's own recent allowed search (or opened alert) this view is opened
    from: its purpose carries over."""
    code = request.GET.get("access", "")
    try:
        uuid.UUID(code)
    except ValueError:
        return None
    since = timezone.now() - CONTEXT_LIFETIME
    return AccessRecord.objects.filter(
        code=code,
        actor_id=request.user.pk,
        # A search's results, or an opened alert's read: both carry a purpose.
        action__in=[Action.SEARCH, Action.ALERT_VIEWED],
        outcome=Outcome.ALLOWED,
        at__gte=since,
    ).first()


def _read_for_user(
    request: AuthenticatedHttpRequest, read_id: int, action: Action
) -> tuple[PlateRead | None, AccessRecord | None, HttpResponse | None]:
    """The read, if the user may see it in the context of a search; else the refusal."""
    context = _context_access(request)
    criteria = {"read_id": read_id, "from_access": request.GET.get("access", "")}
    actor = Actor.of_request(request)
    if context is None:
        reason = "open reads from a search, so that the access carries its purpose"
        record_access(
            actor, Entry(action, criteria, outcome=Outcome.DENIED, reason=reason)
        )
        return None, None, HttpResponse(reason, status=400, content_type="text/plain")
    read = (
        PlateRead.objects.visible_to(request.user)
        .select_related("camera", "plate")
        .filter(pk=read_id)
        .first()
    )
    carried = Entry(
        action, criteria, purpose=context.purpose, case_number=context.case_number
    )
    if read is None or read_id not in context.result_ids:
        denied = replace(
            carried, outcome=Outcome.DENIED, reason="not a result of that search"
        )
        record_access(actor, denied)
        raise Http404("no such read")
    access = record_access(actor, replace(carried, result_ids=[read.id]))
    return read, access, None


@login_required
def read_detail(request: AuthenticatedHttpRequest, read_id: int) -> HttpResponse:
    read, access, refusal = _read_for_user(request, read_id, Action.READ_DETAIL)
    if refusal is not None:
        return refusal
    return render(
        request,
        "search/read.html",
        {"read": read, "access": access, "context": request.GET["access"]},
    )


@login_required
def read_image(
    request: AuthenticatedHttpRequest, read_id: int, kind: str
) -> HttpResponse:
    if kind not in ("plate", "overview"):
        raise Http404("no such image")
    read, _, refusal = _read_for_user(request, read_id, Action.IMAGE_VIEW)
    if refusal is not None:
        return refusal
    assert read is not None
    digest = read.plate_image if kind == "plate" else read.overview_image
    data = blobs.get(digest) if digest else None
    if data is None:
        raise Http404("this read has no such image")
    content_type = "image/png" if data.startswith(blobs.PNG) else "image/jpeg"
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = (
        "no-store"  # each view is an access and must be recorded
    )
    return response
