"""Exports of a search or a canvass, as CSV or PDF (R15).

An export runs the query again under the same rules, is recorded as an access
of its own (action `export`, with the full query and the format), and carries
the purpose, case number, user, time and access code in its first lines (CSV)
or on every page (PDF), so a printed page cannot lose where it came from.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from fpdf import FPDF

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor
from platekeeper.search import canvass, run

EXPORT_CAP = 10_000
COLUMNS = [
    "captured_at",
    "plate",
    "state",
    "confidence",
    "camera",
    "latitude",
    "longitude",
]


def _row(read: Any, camera_name: str | None = None) -> list[str]:
    """A read's cells (a search's PlateRead, or a canvass's Sighting with its
    camera's name beside it)."""
    return [
        read.captured_at.isoformat(),
        read.plate_text,
        read.state,
        f"{read.confidence:.2f}",
        read.camera.name if camera_name is None else camera_name,
        "" if read.latitude is None else f"{read.latitude:.6f}",
        "" if read.longitude is None else f"{read.longitude:.6f}",
    ]


def _banner(access: Any) -> str:
    return (
        f"ALPR export {access.code} | {access.actor_username} ({access.actor_agency}) | "
        f"{timezone.localtime(access.at):%Y-%m-%d %H:%M %Z} | purpose: {access.purpose} | "
        f"case: {access.case_number or '-'} | Cal. Civ. Code 1798.90.5 et seq.: official use only"
    )


def as_csv(access: Any, rows: list[list[str]], header: list[str]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# {_banner(access)}"])
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alpr-{access.code}.csv"'
    return response


class _Pdf(FPDF):
    banner = ""

    def header(self) -> None:
        self.set_font("Helvetica", size=7)
        self.multi_cell(0, 3.5, self.banner, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", size=7)
        self.cell(
            0, 5, f"{self.banner[:60]}... page {self.page_no()}/{{nb}}", align="C"
        )


def as_pdf(access: Any, rows: list[list[str]], header: list[str]) -> HttpResponse:
    pdf = _Pdf(orientation="landscape", format="letter")
    pdf.banner = _banner(access)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    widths = [40, 22, 10, 14, 60, 22, 22]
    if len(header) > len(widths):
        widths = [12] * (len(header) - len(widths)) + widths
    with pdf.table(col_widths=widths, text_align="LEFT") as table:
        table.row(header)
        for row in rows:
            table.row(
                [cell.encode("latin-1", "replace").decode("latin-1") for cell in row]
            )
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="alpr-{access.code}.pdf"'
    return response


@login_required
@require_POST
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    fmt = request.POST.get("format", "csv")
    if fmt not in ("csv", "pdf"):
        return HttpResponse(
            "format is csv or pdf", status=400, content_type="text/plain"
        )
    actor = Actor.of_request(request)
    if request.POST.get("kind") == "canvass":
        done = canvass.run(request, export=fmt)
        if done.refused:
            return render(
                request,
                "search/canvass.html",
                {"form": done.form, "refused": done.refused},
                status=done.status,
            )
        header = ["seen", *COLUMNS]
        rows = [
            [str(g.count), *_row(r, r.camera_name)]
            for g in done.groups
            for r in g.reads
        ]
        access = done.access
    else:
        result = run.plate_search(
            request.user,
            actor,
            request.POST,
            action=Action.EXPORT,
            size=EXPORT_CAP,
            export=fmt,
            request=request,
        )
        if result.refused or result.access is None:
            return render(
                request,
                "search/form.html",
                {"form": result.form, "refused": result.refused},
                status=result.status,
            )
        header, rows, access = COLUMNS, [_row(r) for r in result.reads], result.access
    return (as_pdf if fmt == "pdf" else as_csv)(access, rows, header)
