"""Release requests, the agency registry and the data-sharing report."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from platekeeper.accounts.access import AuthenticatedHttpRequest, gate_of
from platekeeper.accounts.guard import refusal
from platekeeper.accounts.models import Agency
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import rules_of
from platekeeper.policy.rules import Rules
from platekeeper.reads import blobs
from platekeeper.sharing import actions, letters, shares
from platekeeper.sharing.forms import AgencyForm, ReleaseRequestForm
from platekeeper.sharing.models import ReleaseRequest, StandingShare

STAFF = {Capability.RELEASE_RECORDS, Capability.APPROVE_SHARING}


def _rules(request: AuthenticatedHttpRequest) -> Rules:
    found = rules_of(request)
    assert found is not None  # the guard before needs a Policy in force
    return found[1]


def _request_of(request: AuthenticatedHttpRequest, pk: int) -> ReleaseRequest:
    return get_object_or_404(
        ReleaseRequest.objects.select_related("recipient", "owner", "decided_by"),
        pk=pk,
        owner_id=request.user.profile.agency_id,
    )


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, STAFF, "release requests"):
        return refused
    requests = ReleaseRequest.objects.filter(
        owner_id=request.user.profile.agency_id
    ).select_related("recipient", "decided_by")
    return render(
        request,
        "sharing/requests.html",
        {"requests": requests.order_by("-entered_at")[:500]},
    )


@login_required
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(
        request,
        {Capability.RELEASE_RECORDS, Capability.SEARCH_FULL},
        "release requests",
    ):
        return refused
    staff = Capability.RELEASE_RECORDS in gate_of(request).capabilities
    form = ReleaseRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not staff and not form.cleaned_data["emergency"]:
            form.add_error(None, "investigators enter emergency requests only")
        else:
            try:
                req = actions.enter(request.user, form.written(), _rules(request))
            except actions.Refused as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("sharing-request", pk=req.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sharing/request_new.html", {"form": form}, status=status)


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Investigators too: they follow the emergency releases they run.
    if refused := refusal(
        request, STAFF | {Capability.SEARCH_FULL}, "release requests"
    ):
        return refused
    return render(
        request, "sharing/request.html", _detail(request, _request_of(request, pk))
    )


def _detail(
    request: AuthenticatedHttpRequest, req: ReleaseRequest, **extra: Any
) -> dict[str, Any]:
    rules = _rules(request)
    return {
        "req": req,
        "may_decide": actions.may_approve(request.user, rules),
        "may_fulfil": not actions.fulfil_refusal(req, request.user, rules),
        "review_days": rules.sharing.standing_review_days,
        **extra,
    }


@login_required
@require_POST
def request_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request_of(request, pk)
    try:
        actions.decide(
            req,
            request.user,
            request.POST.get("decision") == "approve",
            request.POST.get("note", ""),
            _rules(request),
        )
    except actions.Refused as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("sharing-request", pk=req.pk)


@login_required
@require_POST
def request_fulfil(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request_of(request, pk)
    try:
        actions.fulfil(req, request.user, _rules(request))
    except actions.Refused as exc:
        context = _detail(request, req, refused=str(exc))
        return render(request, "sharing/request.html", context, status=403)
    messages.success(request, "Fulfilled: the package is ready to download.")
    return redirect("sharing-request", pk=req.pk)


@login_required
def request_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if refused := refusal(request, STAFF, "release requests"):
        return refused
    req = _request_of(request, pk)
    try:
        data = actions.download(req, request.user)
    except actions.Refused as exc:
        return HttpResponse(str(exc), status=410, content_type="text/plain")
    public = req.kind == ReleaseRequest.Kind.PUBLIC_RECORDS
    response = HttpResponse(
        data, content_type="text/csv" if public else "application/zip"
    )
    name = f"release-{req.pk}.{'csv' if public else 'zip'}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def request_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if refused := refusal(request, STAFF, "release requests"):
        return refused
    req = _request_of(request, pk)
    if req.status not in (ReleaseRequest.Status.REFUSED, ReleaseRequest.Status.DENIED):
        return HttpResponse("only a refused or denied request has a letter", status=409)
    return HttpResponse(letters.denial(req), content_type="text/plain; charset=utf-8")


@login_required
def request_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if refused := refusal(request, STAFF, "release requests"):
        return refused
    req = _request_of(request, pk)
    data = blobs.get_document(req.document)
    if data is None:
        return HttpResponse("the written request's file is missing", status=404)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{req.document_name}"'
    return response


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every agency that received our data or asked, with each decision (R31, R33)."""
    if refused := refusal(request, STAFF, "release requests"):
        return refused
    requests = list(
        ReleaseRequest.objects.filter(owner_id=request.user.profile.agency_id)
        .select_related("recipient", "decided_by", "fulfilled_by")
        .order_by("recipient__name", "-entered_at")
    )
    received = sorted(
        {r.recipient for r in requests if r.status == ReleaseRequest.Status.FULFILLED},
        key=lambda a: a.name,
    )
    shares = StandingShare.objects.filter(owner_id=request.user.profile.agency_id)
    today = timezone.localdate()
    return render(
        request,
        "sharing/report.html",
        {
            "requests": requests,
            "received": received,
            "in_force": shares.in_force(today).select_related("recipient"),
            "shares": shares.select_related(
                "recipient", "opened_by", "ended_by"
            ).order_by("-starts_on"),
            "may_decide": actions.may_approve(request.user, _rules(request)),
        },
    )


@login_required
def agencies(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, STAFF, "release requests"):
        return refused
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            agency = form.save()
            record_in_action(
                Actor.of_request(request),
                Entry(
                    Action.AGENCY_REGISTERED,
                    {
                        "ori": agency.ori,
                        "name": agency.name,
                        "type": agency.type,
                        "level": agency.level,
                        "state": agency.state,
                    },
                ),
            )
        messages.success(request, f"{agency} added.")
        return redirect("sharing-agencies")
    return render(
        request,
        "sharing/agencies.html",
        {"form": form, "agencies": Agency.objects.order_by("name")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def share_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = _request_of(request, pk)
    try:
        ends_on = date.fromisoformat(request.POST.get("ends_on", ""))
        shares.open_share(req, request.user, ends_on, _rules(request))
    except ValueError as exc:  # Refused is a ValueError too
        messages.error(
            request,
            str(exc) if isinstance(exc, actions.Refused) else "give an end date",
        )
    return redirect("sharing-request", pk=req.pk)


@login_required
@require_POST
def share_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = get_object_or_404(
        StandingShare, pk=pk, owner_id=request.user.profile.agency_id
    )
    try:
        if request.POST.get("change") == "review":
            shares.review_share(share, request.user, _rules(request))
        else:
            shares.end_share(
                share, request.user, _rules(request), request.POST.get("reason", "")
            )
    except actions.Refused as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("sharing-report")
