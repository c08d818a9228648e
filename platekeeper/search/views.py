from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts.access import (
    AuthenticatedHttpRequest,
    gate,
)
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import SEARCH_CAPABILITIES
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import Training
from platekeeper.reads import blobs
from platekeeper.reads.models import PlateRead
from platekeeper.search import queries
from platekeeper.search.forms import SearchForm

# How long a search's purpose covers opening its results.
CONTEXT_LIFETIME = timedelta(hours=1)


def _refuse(
    request: AuthenticatedHttpRequest, form: SearchForm | None, reason: str, status: int
) -> HttpResponse:
    """Record the refused attempt, then say why (R12, R14)."""
    criteria = form.criteria() if form is not None else {}
    data = request.POST
    record_access(
        Actor.of_request(request),
        Entry(
            Action.SEARCH,
            criteria,
            purpose=data.get("purpose", ""),
            case_number=data.get("case_number", ""),
            justification=data.get("justification", ""),
            outcome=Outcome.DENIED,
            reason=reason,
        ),
    )
    return render(
        request, "search/form.html", {"form": form, "refused": reason}, status=status
    )


def _untrained(
    request: AuthenticatedHttpRequest, lacking: list[Training]
) -> HttpResponse:
    """Record the refusal, then say which training is needed (R3)."""
    courses = ", ".join(t.code for t in lacking)
    reason = f"training missing or expired: {courses}"
    record_access(
        Actor.of_request(request),
        Entry(
            Action.SEARCH,
            {"plate": request.POST.get("plate", "")},
            outcome=Outcome.DENIED,
            reason=reason,
        ),
    )
    return render(
        request, "accounts/training_needed.html", {"lacking": lacking}, status=403
    )


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The plate search: a purpose from the Policy first, the access recorded before results."""
    in_force = current_rules()
    if in_force is None:
        return _refuse(
            request, None, "no Policy is published: ALPR data cannot be used", 503
        )
    version, rules = in_force
    permits = gate(request.user, rules)
    caps = permits.capabilities
    if needed := permits.training_for(SEARCH_CAPABILITIES):
        return _untrained(request, needed)
    if request.method != "POST":
        if not caps & SEARCH_CAPABILITIES:
            return _refuse(
                request, None, "your job title may not search ALPR data", 403
            )
        return render(request, "search/form.html", {"form": SearchForm(rules=rules)})
    form = SearchForm(request.POST, rules=rules)
    if not caps & SEARCH_CAPABILITIES:
        form.is_valid()
        return _refuse(request, form, "your job title may not search ALPR data", 403)
    if not form.is_valid():
        return _refuse(request, form, form.refusal(), 400)
    reads = queries.searchable_reads(request.user, caps, rules)
    rows, more = queries.exact_plate(reads, form.cleaned_data["plate"])
    purpose = rules.purpose(form.cleaned_data["purpose"])
    assert purpose is not None  # the form only offers the Policy's purposes
    access = record_access(
        Actor.of_request(request),
        Entry(
            Action.SEARCH,
            {**form.criteria(), "window_days": queries.window_days(caps, rules)},
            purpose=purpose.code,
            case_number=form.cleaned_data["case_number"],
            justification=form.cleaned_data["justification"],
            result_ids=[r.id for r in rows],
            policy_version=version.number,
        ),
    )
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "reads": rows,
            "more": more,
            "access": access,
            "purpose": purpose,
            "policy_version": version.number,
        },
    )


def _context_access(request: AuthenticatedHttpRequest) -> AccessRecord | None:
    """The user's own recent allowed search this view is opened from (its purpose carries over)."""
    code = request.GET.get("access", "")
    try:
        uuid.UUID(code)
    except ValueError:
        return None
    since = timezone.now() - CONTEXT_LIFETIME
    return AccessRecord.objects.filter(
        code=code,
        actor_id=request.user.pk,
        action=Action.SEARCH,
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
