"""The monthly audit report: what was accessed, by whom, for what, and what
the flags found (R41).

A month may hold a million records, so the report asks the database: counts
by action, outcome, purpose and user are GROUP BYs, and the flags a record
raises on its own are the same rules as `flags.own_flags`, written as SQL
conditions and counted per user. The flags that need a user's history
(volume, repeated plates, staff plates) find their few records first and are
added on top. `test_report` checks both forms against the same fixtures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import (
    Length,
    Lower,
    Trim,
)
from django.utils import timezone

from platekeeper.audit import flags
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.policy.rules import AuditRules


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


def off_hours(start: datetime, end: datetime, rules: AuditRules) -> Q:
    """Outside working hours as ranges of `at`, one a night: the database compares
    instants (and uses the index) instead of converting every row's time zone."""
    zone = timezone.get_current_timezone()
    nights = Q(pk__in=[])
    day = timezone.localtime(start, zone).date() - timedelta(days=1)
    while day <= timezone.localtime(end, zone).date():
        dusk = timezone.make_aware(datetime.combine(day, rules.day_ends), zone)
        dawn = timezone.make_aware(
            datetime.combine(day + timedelta(days=1), rules.day_starts), zone
        )
        nights |= Q(at__gte=dusk, at__lt=dawn)
        day += timedelta(days=1)
    return nights


def own_conditions(start: datetime, end: datetime, rules: AuditRules) -> dict[str, Q]:
    """`flags.own_flags` as SQL conditions (on rows annotated by `_annotated`)."""
    return {
        "no_case_number": Q(action=Action.SEARCH, case_number=""),
        "vague_justification": Q(why_length__gt=0)
        & (Q(why_length__lt=rules.min_justification) | Q(why__in=rules.vague_words)),
        "off_hours": off_hours(start, end, rules),
        "mass_export": Q(
            action=Action.EXPORT, result_count__gt=rules.mass_export_reads
        ),
    }


def _annotated(records: QuerySet[AccessRecord]) -> QuerySet[AccessRecord]:
    return records.annotate(
        why=Lower(Trim("justification")), why_length=Length(Trim("justification"))
    )


def monthly(
    start: datetime, end: datetime, rules: AuditRules, agency_ori: str = ""
) -> MonthReport:
    out = MonthReport(start, end)
    records = AccessRecord.objects.filter(at__gte=start, at__lt=end)
    if agency_ori:
        records = records.filter(actor_agency_ori=agency_ori)
    conditions = own_conditions(start, end, rules)
    any_own = Q()
    for condition in conditions.values():
        any_own |= condition
    # One scan: the counts and, for allowed searches and exports, each flag.
    counted = Q(action__in=flags.SEARCHES, outcome=Outcome.ALLOWED)
    groups = (
        _annotated(records)
        .values("action", "outcome", "purpose", "actor_username")
        .annotate(
            n=Count("id"),
            flagged=Count("id", filter=counted & any_own),
            **{name: Count("id", filter=counted & c) for name, c in conditions.items()},
        )
        .order_by()
    )
    for row in groups:
        counts: dict[str, Any] = dict(row)
        action, outcome, user, n = (
            counts["action"],
            counts["outcome"],
            counts["actor_username"],
            counts["n"],
        )
        out.total += n
        out.by_action[action] += n
        out.by_outcome[outcome] += n
        if counts["purpose"]:
            out.by_purpose[counts["purpose"]] += n
        if outcome == Outcome.DENIED:
            out.denied_by_user[user] += n
        elif action in flags.SEARCHES:
            out.searches_by_user[user] += n
        if counts["flagged"]:
            out.flagged_by_user[user] += counts["flagged"]
        for name in conditions:
            if counts[name]:
                out.flags[name] += counts[name]
    allowed = records.filter(counted)
    _history_flags(out, allowed, any_own, start, end, rules, agency_ori)
    return out


def _history_flags(
    out: MonthReport,
    searches: QuerySet[AccessRecord],
    any_own: Q,
    start: datetime,
    end: datetime,
    rules: AuditRules,
    agency_ori: str,
) -> None:
    """Volume, repeated plates and staff plates: few records, found first."""
    day_counts = flags.daily_counts(
        searches.filter(action=Action.SEARCH),
        timezone.localtime(start).date(),
        timezone.localtime(end).date(),
    )
    busy = flags.busy_days(day_counts, start, rules)
    extra: dict[int, list[str]] = defaultdict(list)
    for user, day in busy:
        day_start = timezone.make_aware(datetime.combine(day, time.min))
        for record_id in searches.filter(
            action=Action.SEARCH,
            actor_username=user,
            at__gte=day_start,
            at__lt=day_start + flags.DAY,
        ).values_list("id", flat=True):
            extra[record_id].append("volume_outlier")
    for record_id in flags.repeated_in(start, end, rules, agency_ori):
        extra[record_id].append("repeated_plate")
    if rules.staff_watch:
        for record_id in flags.staff_plates(list(searches), rules):
            extra[record_id].append("staff_plate")
    if not extra:
        return
    already = set(
        _annotated(searches)
        .filter(any_own, id__in=list(extra))
        .values_list("id", flat=True)
    )
    users = dict(
        searches.filter(id__in=list(extra)).values_list("id", "actor_username")
    )
    for record_id, marks in extra.items():
        out.flags.update(marks)
        if record_id not in already:
            out.flagged_by_user[users[record_id]] += 1
