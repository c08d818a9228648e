"""What an audit looks at first: access records that match a flag (R41, R43).

Each flag is a precise rule over allowed searches and exports, with its
thresholds in the Policy (`audits`):

- no_case_number: a search without a case or CAD incident number;
- vague_justification: a justification shorter than `min_justification`
  characters, or one of `vague_words`;
- off_hours: a search outside `day_starts`–`day_ends`, local time;
- volume_outlier: the user's searches that day exceed their own 90-day daily
  mean + `volume_sigmas` standard deviations (with at least 14 days of history);
- repeated_plate: the same plate searched by one user `repeat_plate_searches`
  times within 7 days, none with a case number;
- mass_export: an export of more than `mass_export_reads` reads;
- staff_plate: a search for a plate on the agency's staff watch list (only
  when the Policy turns `staff_watch` on).

The rules take access records or light rows with the same attributes (the
monthly report reads a million of them as tuples).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action, Outcome, StaffPlate
from platekeeper.lib.plates import normalize
from platekeeper.policy.rules import AuditRules

FLAGS = {
    "no_case_number": "No case number",
    "vague_justification": "Vague justification",
    "off_hours": "Outside working hours",
    "volume_outlier": "Unusual number of searches that day",
    "repeated_plate": "Same plate searched repeatedly without a case",
    "mass_export": "Mass export",
    "staff_plate": "Search for an employee's plate",
}
SEARCHES = [Action.SEARCH, Action.EXPORT]
HISTORY = timedelta(days=90)
MIN_HISTORY_DAYS = 14
WINDOW = timedelta(days=7)
DAY = timedelta(days=1)


def searches(since: datetime, until: datetime) -> QuerySet[AccessRecord]:
    return AccessRecord.objects.filter(
        action__in=SEARCHES, outcome=Outcome.ALLOWED, at__gte=since, at__lt=until
    ).order_by("id")


def _returned(record: Any) -> int:
    if record.result_count is not None:
        return int(record.result_count)
    return len(getattr(record, "result_ids", None) or [])


def _plate(record: Any) -> str:
    plate = getattr(record, "plate", None)
    if plate is None:
        plate = (getattr(record, "criteria", None) or {}).get("plate", "")
    return str(plate or "")


def own_flags(record: Any, rules: AuditRules) -> list[str]:
    """The flags one record raises on its own."""
    found = []
    if record.action == Action.SEARCH and not record.case_number.strip():
        found.append("no_case_number")
    text = record.justification.strip().lower()
    if text and (len(text) < rules.min_justification or text in rules.vague_words):
        found.append("vague_justification")
    local = timezone.localtime(record.at).time()
    if not rules.day_starts <= local < rules.day_ends:
        found.append("off_hours")
    if record.action == Action.EXPORT and _returned(record) > rules.mass_export_reads:
        found.append("mass_export")
    return found


def day_of(record: Any) -> date:
    return timezone.localtime(record.at).date()


def _volume_outliers(records: list[Any], rules: AuditRules) -> set[int]:
    """Records on user-days busier than the user's own 90 days allow."""
    by_user_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    for r in records:
        if r.action == Action.SEARCH:
            by_user_day[(r.actor_username, day_of(r))].append(r.id)
    if not by_user_day:
        return set()
    first = min(day for _, day in by_user_day)
    last = max(day for _, day in by_user_day)
    searched = AccessRecord.objects.filter(
        actor_username__in={user for user, _ in by_user_day},
        action=Action.SEARCH,
        outcome=Outcome.ALLOWED,
    )
    start = timezone.make_aware(datetime.combine(first, time.min))
    busy = busy_days(daily_counts(searched, first, last), start, rules)
    return {rid for key, ids in by_user_day.items() if key in busy for rid in ids}


def _repeated(records: list[Any], rules: AuditRules) -> set[int]:
    """Searches of a plate the same user searched often within 7 days, never
    with a case (one query for the whole batch)."""
    candidates = [
        r
        for r in records
        if r.action == Action.SEARCH and _plate(r) and not r.case_number.strip()
    ]
    if not candidates:
        return set()
    history: dict[tuple[str, str], list[tuple[datetime, bool]]] = defaultdict(list)
    rows = AccessRecord.objects.filter(
        action=Action.SEARCH,
        outcome=Outcome.ALLOWED,
        actor_username__in={r.actor_username for r in candidates},
        at__gt=min(r.at for r in candidates) - WINDOW,
        at__lte=max(r.at for r in candidates),
    ).values_list("actor_username", "criteria__plate", "at", "case_number")
    for user, plate, when, case in rows:
        history[(user, str(plate or ""))].append((when, bool(case.strip())))
    flagged: set[int] = set()
    for r in candidates:
        recent = [
            has_case
            for when, has_case in history[(r.actor_username, _plate(r))]
            if r.at - WINDOW < when <= r.at
        ]
        if len(recent) >= rules.repeat_plate_searches and not any(recent):
            flagged.add(r.id)
    return flagged


def flag(records: Iterable[Any], rules: AuditRules) -> dict[int, list[str]]:
    """Record id -> its flags (records without any are left out)."""
    rows = list(records)
    found: dict[int, list[str]] = {r.id: own_flags(r, rules) for r in rows}
    for rid in _volume_outliers(rows, rules):
        found[rid].append("volume_outlier")
    for rid in _repeated(rows, rules):
        found[rid].append("repeated_plate")
    for rid in staff_plates(rows, rules):
        found[rid].append("staff_plate")
    return {rid: flags for rid, flags in found.items() if flags}


def staff_plates(records: list[Any], rules: AuditRules) -> set[int]:
    if not rules.staff_watch or not records:
        return set()
    watched = set(StaffPlate.objects.values_list("agency__ori", "plate"))
    if not watched:
        return set()
    return {
        r.id
        for r in records
        if (getattr(r, "actor_agency_ori", ""), normalize(_plate(r))) in watched
    }


def repeated_in(
    start: datetime, end: datetime, rules: AuditRules, agency_ori: str = ""
) -> set[int]:
    """`repeated_plate` over a whole period, for the report: the database finds
    the (user, plate) pairs searched often enough, then only those are judged."""
    window = AccessRecord.objects.filter(
        action=Action.SEARCH,
        outcome=Outcome.ALLOWED,
        at__gte=start - WINDOW,
        at__lt=end,
    )
    if agency_ori:
        window = window.filter(actor_agency_ori=agency_ori)
    often = list(
        window.annotate(plate=KT("criteria__plate"))
        .values("actor_username", "plate")
        .annotate(n=Count("id"))
        .filter(n__gte=rules.repeat_plate_searches)
        .values_list("actor_username", "plate")
    )
    if not often:
        return set()
    keys = set(often)
    rows = [
        r
        for r in window.filter(
            actor_username__in={u for u, _ in keys},
            criteria__plate__in={p for _, p in keys},
        ).only("id", "at", "action", "actor_username", "case_number", "criteria")
        if (r.actor_username, _plate(r)) in keys and r.at >= start
    ]
    return _repeated(rows, rules)


def busy_days(
    day_counts: dict[tuple[str, date], int], start: datetime, rules: AuditRules
) -> set[tuple[str, date]]:
    """The (user, day) pairs of a period whose count is above the user's own
    90 days before it (read with one query)."""
    if not day_counts:
        return set()
    history: dict[str, Counter[date]] = defaultdict(Counter)
    searched = AccessRecord.objects.filter(
        action=Action.SEARCH,
        outcome=Outcome.ALLOWED,
        actor_username__in={u for u, _ in day_counts},
    )
    local_start = timezone.localtime(start).date()
    for (user, day), n in daily_counts(
        searched, local_start - HISTORY, local_start - DAY
    ).items():
        history[user][day] = n
    for (user, day), n in day_counts.items():
        history[user][day] = n
    return {
        (user, day)
        for (user, day), n in day_counts.items()
        if _above(
            n,
            [
                history[user].get(day - timedelta(days=d), 0)
                for d in range(1, HISTORY.days + 1)
            ],
            rules,
        )
    }


def _above(count: int, past: list[int], rules: AuditRules) -> bool:
    if sum(1 for c in past if c) < MIN_HISTORY_DAYS:
        return False
    return count > statistics.mean(past) + rules.volume_sigmas * statistics.pstdev(past)


def daily_counts(
    searches: QuerySet[AccessRecord], first: date, last: date
) -> dict[tuple[str, date], int]:
    """Searches per (user, local day) in one scan: counted per UTC hour by the
    database, hours then put in their local day here. (Truncating each row in
    its time zone is a Python function per row on SQLite: 5 s a million.) Exact
    for time zones a whole number of hours from UTC, which all US zones are."""
    zone = timezone.get_current_timezone()
    begin = timezone.make_aware(datetime.combine(first, time.min), zone)
    finish = timezone.make_aware(datetime.combine(last + DAY, time.min), zone)
    inner, params = (
        searches.filter(at__gte=begin, at__lt=finish)
        .values("actor_username", "at")
        .query.sql_with_params()
    )
    hour = (
        "substr(t.at, 1, 13)"
        if connection.vendor == "sqlite"
        else "date_trunc('hour', t.at)"
    )
    with connection.cursor() as cursor:  # the SQL is ours: values go as parameters
        cursor.execute(
            f"SELECT t.actor_username, {hour}, COUNT(*) FROM ({inner}) t GROUP BY 1, 2",
            params,
        )
        rows = cursor.fetchall()
    out: dict[tuple[str, date], int] = defaultdict(int)
    for user, when, n in rows:
        if isinstance(when, str):  # SQLite: "YYYY-MM-DD HH" in UTC
            when = datetime.fromisoformat(when + ":00").replace(tzinfo=UTC)
        out[(user, timezone.localtime(when, zone).date())] += n
    return dict(out)
