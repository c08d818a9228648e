"""Legal holds, evidence packages and the retention page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from platekeeper.accounts.access import AuthenticatedHttpRequest, gate_of
from platekeeper.accounts.guard import refusal
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.hotlists import alerts
from platekeeper.lib import plates
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import rules_of
from platekeeper.policy.rules import Rules
from platekeeper.reads.models import PlateRead
from platekeeper.retention import actions, packages, purge, review
from platekeeper.retention.forms import HoldForm
from platekeeper.retention.models import Hold, PurgeRun

HOLD_PAGES = {Capability.HOLD_EVIDENCE, Capability.MANAGE_RETENTION}
# A hold by plate and time range covers at most this many reads.
MAX_BY_PLATE = 10_000


def _rules(request: AuthenticatedHttpRequest) -> Rules:
    found = rules_of(request)
    assert found is not None  # the page's guard needs a Policy in force
    return found[1]


def _chosen_reads(user: Any, data: dict[str, Any], rules: Rules) -> list[int]:
    ids = [int(i) for i in data.get("read") or []]
    if data.get("alert"):
        # The alerts the user may open (covert lists only for their audience).
        ids += (
            alerts.visible_alerts(user, rules)
            .filter(pk=data["alert"])
            .values_list("hit__read_id", flat=True)
        )
    if data.get("plate") and data.get("start") and data.get("end"):
        ids += (
            PlateRead.objects.visible_to(user)
            .filter(
                plate__plate=plates.normalize(data["plate"]),
                captured_at__gte=data["start"],
                captured_at__lte=data["end"],
            )
            .values_list("id", flat=True)[:MAX_BY_PLATE]
        )
    return ids


@login_required
def hold_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.HOLD_EVIDENCE, "legal holds"):
        return refused
    if request.method != "POST" or request.POST.get("from") == "results":
        # From a results page or an alert: the reads and the case come along,
        # the rest is asked.
        source = request.POST if request.method == "POST" else request.GET
        initial = {**source.dict(), "read": source.getlist("read")}
        form = HoldForm(initial=initial)
        return render(request, "retention/hold_new.html", {"form": form})
    form = HoldForm(request.POST)
    if not form.is_valid():
        return render(request, "retention/hold_new.html", {"form": form}, status=400)
    try:
        hold = actions.place(
            request.user,
            _chosen_reads(request.user, form.cleaned_data, _rules(request)),
            form.request(),
        )
    except actions.Refused as exc:
        form.add_error(None, str(exc))
        return render(request, "retention/hold_new.html", {"form": form}, status=400)
    messages.success(request, f"Hold {hold.pk} placed on {hold.reads.count()} reads.")
    return redirect("retention-hold", hold_id=hold.pk)


@login_required
def hold_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, HOLD_PAGES, "legal holds"):
        return refused
    holds = (
        Hold.objects.filter(agency_id=request.user.profile.agency_id)
        .select_related("placed_by", "approved_by")
        .order_by("status", "review_on")
    )
    return render(request, "retention/holds.html", {"holds": holds[:500]})


def _hold_of(request: AuthenticatedHttpRequest, hold_id: int) -> Hold:
    return get_object_or_404(
        Hold.objects.select_related("placed_by", "approved_by", "released_by"),
        pk=hold_id,
        agency_id=request.user.profile.agency_id,
    )


@login_required
def hold_detail(request: AuthenticatedHttpRequest, hold_id: int) -> HttpResponse:
    if refused := refusal(request, HOLD_PAGES, "legal holds"):
        return refused
    caps = gate_of(request).capabilities
    hold = _hold_of(request, hold_id)
    ids = list(hold.reads.values_list("read_id", flat=True))
    reads = list(
        PlateRead.objects.visible_to(request.user)
        .filter(id__in=ids)
        .select_related("camera")
        .order_by("captured_at")
    )
    record_access(
        Actor.of_request(request),
        Entry(
            Action.HOLD_VIEWED,
            {"hold": hold.pk},
            case_number=hold.case_number,
            result_ids=[r.id for r in reads],
        ),
    )
    return render(
        request,
        "retention/hold.html",
        {
            "hold": hold,
            "reads": reads,
            "purged": len(ids) - len(reads),
            "may_decide": Capability.MANAGE_RETENTION in caps,
            "may_package": Capability.HOLD_EVIDENCE in caps and hold.active,
        },
    )


@login_required
@require_POST
def hold_decide(request: AuthenticatedHttpRequest, hold_id: int) -> HttpResponse:
    if refused := refusal(request, Capability.MANAGE_RETENTION, "hold approval"):
        return refused
    hold = _hold_of(request, hold_id)
    try:
        if request.POST.get("decision") == "approve":
            actions.approve(hold, request.user)
        elif request.POST.get("decision") == "release":
            actions.release(hold, request.user, request.POST.get("reason", ""))
        elif request.POST.get("decision") == "renew":
            actions.renew(hold, request.user, _date(request.POST.get("review_on", "")))
        else:
            return HttpResponse("decision is approve, renew or release", status=400)
    except actions.Refused as exc:
        messages.error(request, str(exc))
    return redirect("retention-hold", hold_id=hold.pk)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise actions.Refused("give the new review date as a date") from exc


@login_required
@require_POST
def hold_package(request: AuthenticatedHttpRequest, hold_id: int) -> HttpResponse:
    if refused := refusal(request, Capability.HOLD_EVIDENCE, "evidence packages"):
        return refused
    hold = _hold_of(request, hold_id)
    if not hold.active:
        return HttpResponse("this hold is released", status=409)
    data, record = packages.make(hold, request.user, Actor.of_request(request))
    response = HttpResponse(data, content_type="application/zip")
    name = f"evidence-{hold.pk}-{record.code}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Retention in force, the purge's runs, and the two-yearly review (R25, R28)."""
    if refused := refusal(
        request, {Capability.MANAGE_RETENTION, Capability.PUBLISH_POLICY}, "retention"
    ):
        return refused
    found = rules_of(request)
    assert found is not None  # the page's guard needs a Policy in force
    version, rules = found
    agency = request.user.profile.agency
    task = review.open_task(agency)
    if request.method == "POST" and task is not None:
        if refused := refusal(request, Capability.MANAGE_RETENTION, "retention review"):
            return refused
        try:
            review.complete(task, request.user, request.POST.get("conclusion", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("retention-status")
    since = timezone.now() - review.EVERY
    return render(
        request,
        "retention/status.html",
        {
            "version": version,
            "rules": rules,
            "retention": sorted(rules.retention.items()),
            "purge_every": rules.purge_every(),
            "last": purge.last_run(),
            "runs": PurgeRun.objects.filter(dry_run=False).order_by("-started_at")[:20],
            "ages": review.searched_ages(request.user, since),
            "task": task,
            "next_due": review.next_due(agency),
            "active_holds": Hold.objects.filter(agency=agency)
            .exclude(status=Hold.Status.RELEASED)
            .count(),
        },
    )
