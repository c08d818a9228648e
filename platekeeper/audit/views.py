"""The audit browser (auditors only): the log filtered, one entry and what it
returned, and the breach report. Reading the log is itself recorded (R16)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.audit import breach, flags
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.reads.models import PlateRead

PAGE = 100
SHOWN_READS = 200


def visible_log(auditor: Any) -> QuerySet[AccessRecord]:
    """The entries an auditor may read: their own agency's, and the system's
    (jobs, set-up, sign-ins under names that are no account)."""
    ori = auditor.profile.agency.ori
    return AccessRecord.objects.filter(Q(actor_agency_ori=ori) | Q(actor_agency_ori=""))


class LogFilter(forms.Form):
    user = forms.CharField(required=False, max_length=150)
    agency = forms.CharField(required=False, max_length=9, label="Agency ORI")
    purpose = forms.CharField(required=False, max_length=40)
    case_number = forms.CharField(required=False, max_length=64)
    plate = forms.CharField(required=False, max_length=16)
    action = forms.ChoiceField(required=False, choices=[("", "any")] + Action.choices)
    outcome = forms.ChoiceField(required=False, choices=[("", "any")] + Outcome.choices)
    start = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    before = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def records(self, auditor: Any) -> QuerySet[AccessRecord]:
        data = self.cleaned_data
        found = visible_log(auditor)
        for field, lookup in (
            ("user", "actor_username"),
            ("agency", "actor_agency_ori"),
            ("purpose", "purpose"),
            ("case_number", "case_number__icontains"),
            ("action", "action"),
            ("outcome", "outcome"),
            ("start", "at__gte"),
            ("end", "at__lte"),
            ("before", "id__lt"),
        ):
            if data.get(field) not in (None, ""):
                found = found.filter(**{lookup: data[field]})
        if data.get("plate"):
            found = found.filter(criteria__plate__icontains=data["plate"].upper())
        return found.order_by("-id")

    def criteria(self) -> dict[str, Any]:
        return {
            k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in self.cleaned_data.items()
            if v not in (None, "")
        }


def _read_log(
    request: AuthenticatedHttpRequest, criteria: dict[str, Any], ids: list[Any]
) -> AccessRecord:
    return record_access(
        Actor.of_request(request),
        Entry(Action.AUDIT_VIEWED, criteria, purpose="audit", result_ids=ids),
    )


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, Capability.REVIEW_AUDIT, "the audit log"):
        return refused
    form = LogFilter(request.GET or None)
    if not form.is_bound:
        form = LogFilter({})
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form}, status=400)
    records = list(form.records(request.user)[: PAGE + 1])
    shown = records[:PAGE]
    criteria = form.criteria()
    if request.GET.get("format") == "csv":
        rows = list(form.records(request.user)[:10_000])
        _read_log(request, {**criteria, "export": "csv"}, [r.id for r in rows])
        return _csv(rows)
    _read_log(request, criteria, [r.id for r in shown])
    found = current_rules()
    marks = flags.flag(shown, found[1].audits) if found else {}
    for record in shown:
        record.flag_labels = [flags.FLAGS[f] for f in marks.get(record.id, [])]  # type: ignore[attr-defined]
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "records": shown,
            "more": len(records) > PAGE,
            "next": shown[-1].id if shown else None,
            "query": request.GET.urlencode(),
        },
    )


def _csv(rows: list[AccessRecord]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "at",
            "code",
            "user",
            "agency",
            "ori",
            "action",
            "outcome",
            "purpose",
            "case_number",
            "criteria",
            "result_count",
            "reason",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.at.isoformat(),
                r.code,
                r.actor_username,
                r.actor_agency,
                r.actor_agency_ori,
                r.action,
                r.outcome,
                r.purpose,
                r.case_number,
                r.criteria,
                len(r.result_ids or []),
                r.reason,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@login_required
def audit_entry(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One entry, and the reads it returned (showing them is recorded too)."""
    if refused := refusal(request, Capability.REVIEW_AUDIT, "the audit log"):
        return refused
    entry = visible_log(request.user).filter(code=code).first() if _uuid(code) else None
    if entry is None:
        raise Http404("no such entry")
    read_ids = [i for i in entry.result_ids or [] if isinstance(i, int)][:SHOWN_READS]
    reads = list(
        PlateRead.objects.visible_to(request.user)
        .filter(id__in=read_ids)
        .select_related("camera")
        .order_by("-captured_at")
    )
    _read_log(request, {"entry": str(entry.code)}, [r.id for r in reads])
    return render(request, "audit/entry.html", {"entry": entry, "reads": reads})


def _uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class BreachForm(forms.Form):
    user = forms.CharField(max_length=150)
    start = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


@login_required
def breach_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every read and image a user's accesses returned in a window (R46)."""
    if refused := refusal(request, Capability.REVIEW_AUDIT, "the breach report"):
        return refused
    form = BreachForm(request.GET or None)
    if not form.is_valid():
        return render(request, "audit/breach.html", {"form": form})
    data = form.cleaned_data
    report = breach.report(request.user, data["user"], data["start"], data["end"])
    record_access(
        Actor.of_request(request),
        Entry(
            Action.AUDIT_VIEWED,
            {
                "breach_report": data["user"],
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
            },
            purpose="audit",
            result_ids=[r.read_id for r in report.rows][:10_000],
        ),
    )
    if request.GET.get("format") == "csv":
        return breach.as_csv(report)
    return render(request, "audit/breach.html", {"form": form, "report": report})
