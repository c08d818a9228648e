"""The annual report to the city council (PDF): the transparency figures by
month, with the year's totals beside the previous year's. Counts only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from fpdf import FPDF

from platekeeper.accounts.models import Agency
from platekeeper.audit.models import AccessRecord, Action, Audit, Outcome
from platekeeper.hotlists.models import Alert
from platekeeper.reads.models import PlateRead
from platekeeper.retention.models import PurgeRun

MONTHS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]
COLUMNS = [
    "Reads",
    "Purged",
    "Alerts",
    "Confirmed",
    "Misreads",
    "Recovered",
    "Arrests",
    "Located",
    "Searches",
    "Audits",
]


def _by_month(queryset: Any, field: str, **counts: Any) -> dict[int, dict[str, int]]:
    rows = (
        queryset.annotate(month=TruncMonth(field))
        .values("month")
        .annotate(**counts)
        .order_by()
    )
    return {r["month"].month: {k: r[k] or 0 for k in counts} for r in rows}


def months(agency: Agency, year: int) -> list[list[int]]:
    """Twelve rows of COLUMNS for the year (local months)."""
    zone = timezone.get_current_timezone()
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    span = {"__gte": start, "__lt": end}

    def within(field: str) -> dict[str, datetime]:
        return {f"{field}{k}": v for k, v in span.items()}

    parts = [
        _by_month(
            PlateRead.objects.filter(camera__agency=agency, **within("captured_at")),
            "captured_at",
            reads=Count("id"),
        ),
        _by_month(
            PurgeRun.objects.filter(dry_run=False, **within("started_at")),
            "started_at",
            purged=Sum("reads"),
        ),
        _by_month(
            Alert.objects.filter(agency=agency, **within("created_at")),
            "created_at",
            alerts=Count("id"),
            confirmed=Count("id", filter=Q(disposition=Alert.Disposition.CONFIRMED)),
            misreads=Count("id", filter=Q(disposition=Alert.Disposition.MISREAD)),
            recovered=Count("id", filter=Q(result=Alert.Result.VEHICLE_RECOVERED)),
            arrests=Count("id", filter=Q(result=Alert.Result.ARREST)),
            located=Count("id", filter=Q(result=Alert.Result.PERSON_LOCATED)),
        ),
        _by_month(
            AccessRecord.objects.filter(
                actor_agency_ori=agency.ori,
                action=Action.SEARCH,
                outcome=Outcome.ALLOWED,
                **within("at"),
            ),
            "at",
            searches=Count("id"),
        ),
        _by_month(
            Audit.objects.filter(agency=agency, **within("signed_off_at")),
            "signed_off_at",
            audits=Count("id"),
        ),
    ]
    keys = [
        "reads",
        "purged",
        "alerts",
        "confirmed",
        "misreads",
        "recovered",
        "arrests",
        "located",
        "searches",
        "audits",
    ]
    out = []
    for month in range(1, 13):
        merged: dict[str, int] = {}
        for part in parts:
            merged.update(part.get(month, {}))
        out.append([merged.get(k, 0) for k in keys])
    return out


def pdf(agency: Agency, year: int) -> bytes:
    this, last = months(agency, year), months(agency, year - 1)
    doc = FPDF(orientation="landscape", format="letter")
    doc.add_page()
    doc.set_font("Helvetica", style="B", size=14)
    doc.cell(0, 10, f"{agency.name}: ALPR use in {year}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=9)
    doc.multi_cell(
        0,
        5,
        "Annual report to the City Council. Counts only: no plate, person or place. "
        "Figures come from the system's own records (reads, purge runs, alerts, the "
        "audit log) on the day the report is made.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(2)
    with doc.table(text_align="RIGHT") as table:
        table.row(["Month", *COLUMNS])
        for name, row in zip(MONTHS, this, strict=True):
            table.row([name, *map(str, row)])
        table.row([str(year), *map(str, _totals(this))])
        table.row([str(year - 1), *map(str, _totals(last))])
    return bytes(doc.output())


def _totals(rows: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*rows, strict=True)]
