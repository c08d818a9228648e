"""The monthly audit report: what was accessed, by whom, for what, and what
the flags found (R41). Read as tuples: a month may hold a million records."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from platekeeper.audit import flags
from platekeeper.audit.models import AccessRecord, Action, Outcome
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
    found: dict[int, list[str]] = defaultdict(list)
    users: dict[int, str] = {}
    day_counts: Counter[tuple[str, date]] = Counter()
    day_ids: dict[tuple[str, date], list[int]] = defaultdict(list)
    staff: list[Row] = []
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
        out.total += 1
        out.by_action[action] += 1
        out.by_outcome[outcome] += 1
        if purpose:
            out.by_purpose[purpose] += 1
        if outcome == Outcome.DENIED:
            out.denied_by_user[user] += 1
            continue
        if action not in flags.SEARCHES:
            continue
        row = Row(
            record_id, when, action, user, case, why, count, str(plate or ""), ori
        )
        out.searches_by_user[user] += 1
        users[record_id] = user
        if own := flags.own_flags(row, rules):
            found[record_id].extend(own)
        if action == Action.SEARCH:
            key = (user, flags.day_of(row))
            day_counts[key] += 1
            day_ids[key].append(record_id)
        if rules.staff_watch:
            staff.append(row)
    for record_id in flags.volume_in(day_counts, day_ids, start, rules):
        found[record_id].append("volume_outlier")
    for record_id in flags.repeated_in(start, end, rules, agency_ori):
        found[record_id].append("repeated_plate")
    for record_id in flags.staff_plates(staff, rules):
        found[record_id].append("staff_plate")
    for record_id, marks in found.items():
        out.flagged_by_user[users[record_id]] += 1
        out.flags.update(marks)
    return out
