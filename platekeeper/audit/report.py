"""The monthly audit report: what was accessed, by whom, for what, and what
the flags found (R41). Read as tuples: a month may hold a million records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from platekeeper.audit import flags
from platekeeper.audit.models import AccessRecord, Outcome
from platekeeper.policy.rules import AuditRules

CHUNK = 20_000


@dataclass(frozen=True)
class Row:
    id: int
    at: datetime
    action: str
    actor_username: str
    case_number: str
    justification: str
    result_count: int | None
    plate: str
    actor_agency_ori: str = ""


@dataclass
class MonthReport:
    start: datetime
    end: datetime
    total: int = 0
    by_action: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_purpose: Counter[str] = field(default_factory=Counter)
    searches_by_user: Counter[str] = field(default_factory=Counter)
    denied_by_user: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    flagged_by_user: Counter[str] = field(default_factory=Counter)


def monthly(
    start: datetime, end: datetime, rules: AuditRules, agency_ori: str = ""
) -> MonthReport:
    out = MonthReport(start, end)
    records = AccessRecord.objects.filter(at__gte=start, at__lt=end)
    if agency_ori:
        records = records.filter(actor_agency_ori=agency_ori)
    columns = (
        "id",
        "at",
        "action",
        "actor_username",
        "case_number",
        "justification",
        "result_count",
        "criteria__plate",
        "outcome",
        "purpose",
        "actor_agency_ori",
    )
    batch: list[Row] = []
    for values in (
        records.order_by("id").values_list(*columns).iterator(chunk_size=CHUNK)
    ):
        (
            record_id,
            when,
            action,
            user,
            case,
            why,
            count,
            plate,
            outcome,
            purpose,
            ori,
        ) = values
        row = Row(
            record_id, when, action, user, case, why, count, str(plate or ""), ori
        )
        out.total += 1
        out.by_action[row.action] += 1
        out.by_outcome[outcome] += 1
        if purpose:
            out.by_purpose[purpose] += 1
        if outcome == Outcome.DENIED:
            out.denied_by_user[row.actor_username] += 1
        elif row.action in flags.SEARCHES:
            out.searches_by_user[row.actor_username] += 1
            batch.append(row)
            if len(batch) >= CHUNK:
                _flag(out, batch, rules)
                batch = []
    _flag(out, batch, rules)
    return out


def _flag(out: MonthReport, rows: list[Any], rules: AuditRules) -> None:
    if not rows:
        return
    users = {r.id: r.actor_username for r in rows}
    for record_id, found in flags.flag(rows, rules).items():
        out.flagged_by_user[users[record_id]] += 1
        out.flags.update(found)
