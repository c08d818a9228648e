"""Breach readiness (R46): for a compromised account and a window, every read
and image its accesses returned, from the access records alone."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpResponse

from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.reads.models import PlateRead

# Accesses whose results are reads (alerts, look-backs and audits name reads too).
RETURNS_READS = [
    Action.SEARCH,
    Action.READ_DETAIL,
    Action.IMAGE_VIEW,
    Action.EXPORT,
    Action.ALERT_VIEWED,
    Action.LOOK_BACK,
    Action.AUDIT_VIEWED,
]


@dataclass
class Row:
    read_id: int
    accesses: list[str] = field(default_factory=list)  # access codes
    first_at: datetime | None = None
    plate: str = ""
    state: str = ""
    captured_at: datetime | None = None
    camera: str = ""
    images: str = ""
    retained: bool = False


@dataclass
class Report:
    user: str
    start: datetime
    end: datetime
    accesses: int = 0
    rows: list[Row] = field(default_factory=list)

    @property
    def plates(self) -> list[str]:
        return sorted({r.plate for r in self.rows if r.plate})


def report(auditor: Any, user: str, start: datetime, end: datetime) -> Report:
    """What `user`'s accesses returned, as far as the auditor's agency goes: its
    own users' records and its own reads (`visible_to`)."""
    out = Report(user, start, end)
    rows: dict[int, Row] = {}
    accesses = AccessRecord.objects.filter(
        actor_agency_ori=auditor.profile.agency.ori,
        actor_username=user,
        at__gte=start,
        at__lte=end,
        outcome=Outcome.ALLOWED,
        action__in=RETURNS_READS,
    ).order_by("at")
    for access in accesses.iterator():
        out.accesses += 1
        for read_id in access.result_ids or []:
            if not isinstance(read_id, int):
                continue
            row = rows.setdefault(read_id, Row(read_id, first_at=access.at))
            row.accesses.append(str(access.code))
    reads = (
        PlateRead.objects.visible_to(auditor)
        .filter(id__in=list(rows))
        .select_related("camera")
    )
    for read in reads.iterator():
        row = rows[read.id]
        row.plate, row.state, row.captured_at = (
            read.plate_text,
            read.state,
            read.captured_at,
        )
        row.camera, row.retained = read.camera.name, True
        row.images = " ".join(
            k
            for k, v in (("plate", read.plate_image), ("overview", read.overview_image))
            if v
        )
    out.rows = sorted(rows.values(), key=lambda r: (r.first_at or start, r.read_id))
    return out


def as_csv(found: Report) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            f"# breach report for {found.user}, {found.start.isoformat()} to {found.end.isoformat()}: "
            f"{found.accesses} accesses, {len(found.rows)} reads, {len(found.plates)} plates"
        ]
    )
    writer.writerow(
        [
            "read_id",
            "plate",
            "state",
            "captured_at",
            "camera",
            "images",
            "retained",
            "first_accessed",
            "accesses",
        ]
    )
    for r in found.rows:
        writer.writerow(
            [
                r.read_id,
                r.plate,
                r.state,
                r.captured_at.isoformat() if r.captured_at else "",
                r.camera,
                r.images,
                "yes" if r.retained else "no longer retained",
                r.first_at.isoformat() if r.first_at else "",
                " ".join(r.accesses),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="breach-{found.user}.csv"'
    return response
