"""Audits on screen: the auditor's list, one audit's sample, the sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.audit import audits
from platekeeper.audit.models import Audit
from platekeeper.policy.capabilities import Capability


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.REVIEW_AUDIT, "audits"):
        return refused
    found = Audit.objects.filter(
        agency_id=request.user.profile.agency_id
    ).select_related("auditor")
    return render(
        request, "audit/audits.html", {"audits": found.order_by("-created_at")[:200]}
    )


@login_required
def audit_detail(request: AuthenticatedHttpRequest, audit_id: int) -> HttpResponse:
    if refused := refusal(request, Capability.REVIEW_AUDIT, "audits"):
        return refused
    audit = (
        Audit.objects.filter(pk=audit_id, agency_id=request.user.profile.agency_id)
        .select_related("auditor")
        .first()
    )
    if audit is None:
        raise Http404("no such audit")
    if request.method == "POST":
        try:
            if request.POST.get("step") == "sign_off":
                audits.sign_off(
                    audit,
                    request.user,
                    request.POST.get("findings", ""),
                    request.POST.get("resolution", ""),
                )
            else:
                raw = request.POST.get("item", "")
                item = (
                    audit.items.filter(pk=int(raw)).first() if raw.isdigit() else None
                )
                if item is None:
                    raise Http404("no such item")
                audits.review(
                    item,
                    request.user,
                    request.POST.get("justified") == "yes",
                    request.POST.get("note", ""),
                )
        except audits.Refused as exc:
            messages.error(request, f"Refused: {exc}")
        return redirect("audit-audit", audit_id=audit.pk)
    items = audit.items.select_related("record").order_by("id")
    return render(
        request,
        "audit/audit.html",
        {
            "audit": audit,
            "items": items,
            "mine": audit.auditor_id == request.user.pk,
            "left": sum(1 for i in items if i.reviewed_at is None),
        },
    )
