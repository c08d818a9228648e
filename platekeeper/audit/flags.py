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
- mass_export: an export of more than `mass_export_reads` reads.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.policy.rules import AuditRules

FLAGS = {
    "no_case_number": "No case number",
    "vague_justification": "Vague justification",
    "off_hours": "Outside working hours",
    "volume_outlier": "Unusual number of searches that day",
    "repeated_plate": "Same plate searched repeatedly without a case",
    "mass_export": "Mass export",
}
SEARCHES = [Action.SEARCH, Action.EXPORT]
HISTORY = timedelta(days=90)
MIN_HISTORY_DAYS = 14


def searches(since: datetime, until: datetime) -> QuerySet[AccessRecord]:
    return AccessRecord.objects.filter(
        action__in=SEARCHES, outcome=Outcome.ALLOWED, at__gte=since, at__lt=until
    ).order_by("id")


def _own(record: AccessRecord, rules: AuditRules) -> list[str]:
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
    if (
        record.action == Action.EXPORT
        and len(record.result_ids or []) > rules.mass_export_reads
    ):
        found.append("mass_export")
    return found


def _day(record: AccessRecord) -> date:
    return timezone.localtime(record.at).date()


def _volume_outliers(records: list[AccessRecord], rules: AuditRules) -> set[int]:
    """Records on user-days busier than the user's own 90 days allow (one query)."""
    by_user_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    for r in records:
        if r.action == Action.SEARCH:
            by_user_day[(r.actor_username, _day(r))].append(r.id)
    if not by_user_day:
        return set()
    first = min(day for _, day in by_user_day)
    since = timezone.make_aware(datetime.combine(first, time.min)) - HISTORY
    daily: dict[str, Counter[date]] = defaultdict(Counter)
    rows = (
        AccessRecord.objects.filter(
            actor_username__in={user for user, _ in by_user_day},
            action=Action.SEARCH,
            outcome=Outcome.ALLOWED,
            at__gte=since,
        )
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("actor_username", "day")
        .annotate(n=Count("id"))
        .values_list("actor_username", "day", "n")
    )
    for user, day, n in rows:
        daily[user][day] = n
    flagged: set[int] = set()
    for (user, day), ids in by_user_day.items():
        history = [
            daily[user].get(day - timedelta(days=d), 0)
            for d in range(1, HISTORY.days + 1)
        ]
        if sum(1 for n in history if n) < MIN_HISTORY_DAYS:
            continue
        limit = statistics.mean(history) + rules.volume_sigmas * statistics.pstdev(
            history
        )
        if daily[user][day] > limit:
            flagged.update(ids)
    return flagged


def _repeated(records: list[AccessRecord], rules: AuditRules) -> set[int]:
    """Searches of a plate the same user searched often within 7 days, never with a case."""
    flagged: set[int] = set()
    for r in records:
        plate = str((r.criteria or {}).get("plate", ""))
        if r.action != Action.SEARCH or not plate or r.case_number.strip():
            continue
        same = AccessRecord.objects.filter(
            actor_username=r.actor_username,
            action=Action.SEARCH,
            outcome=Outcome.ALLOWED,
            criteria__plate=plate,
            at__gt=r.at - timedelta(days=7),
            at__lte=r.at,
        ).values_list("case_number", flat=True)
        cases = list(same)
        if len(cases) >= rules.repeat_plate_searches and not any(
            c.strip() for c in cases
        ):
            flagged.add(r.id)
    return flagged


def flag(records: Iterable[AccessRecord], rules: AuditRules) -> dict[int, list[str]]:
    """Record id -> its flags (records without any are left out)."""
    rows = list(records)
    found: dict[int, list[str]] = {r.id: _own(r, rules) for r in rows}
    for rid in _volume_outliers(rows, rules):
        found[rid].append("volume_outlier")
    for rid in _repeated(rows, rules):
        found[rid].append("repeated_plate")
    return {rid: flags for rid, flags in found.items() if flags}
