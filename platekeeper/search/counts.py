"""The capped count of a partial-plate search from the month counts
(reads.monthcounts, docs/decisions/0021), where the search allows it.

A month's counts say how many reads of each plate each agency's cameras took
in it, nothing else; so they serve a search whose only criteria are the
plates, the agencies the user sees and bounds of time, and only for the
counted months wholly within those bounds. Everything else is probed.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from platekeeper.policy.rules import DataClass, Rules
from platekeeper.reads import partitions
from platekeeper.reads.models import CountedMonth, MonthCount, PlateReadQuerySet
from platekeeper.search import criteria

# Criteria the counts know nothing of: any of them, and the search probes.
OTHER_CRITERIA = ("cameras", "state", "make", "color", "vehicle_type", "direction")


@dataclass(frozen=True)
class Scope:
    """What a search may count from the month counts: its plates, the agencies
    whose reads it sees, and its bounds of capture time (both inclusive)."""

    plate_ids: list[int]
    agency_ids: list[int]
    since: datetime | None = None
    until: datetime | None = None

    def months(self, before: datetime | None) -> list[partitions.Month]:
        """The counted months wholly within the scope and before `before`."""
        found = []
        for day in CountedMonth.objects.values_list("month", flat=True):
            month = partitions.Month(datetime(day.year, day.month, 1, tzinfo=UTC))
            if (
                (self.since is None or month.start >= self.since)
                and (self.until is None or month.end <= self.until)
                and (before is None or month.end <= before)
            ):
                found.append(month)
        return sorted(found)

    def counted(self, months: list[partitions.Month]) -> int:
        """The scope's reads in these counted months."""
        rows = MonthCount.objects.filter(
            plate_id__in=criteria.as_array(self.plate_ids),
            agency_id__in=self.agency_ids,
            month__in=[m.start.date() for m in months],
        )
        found: int = rows.aggregate(n=Sum("reads"))["n"] or 0
        return found


def scope_of(
    agencies: list[int],
    data: dict[str, Any],
    plates_: Any,
    window_days: int | None,
    rules: Rules,
    withheld: bool,
) -> Scope | None:
    """The count's scope for a cleaned search form's first page, or None if
    the counts cannot serve it. `agencies`: those whose reads the user sees.
    Its lower bound is the search's own or later (now is read after the
    search's was), so a month it takes is wholly in."""
    if (
        connection.vendor != "postgresql"
        or data.get("match") != criteria.PARTIAL
        or not isinstance(plates_, list)
        or data.get("after")
        or data.get("area")
        or data.get("min_confidence") is not None
        or any(data.get(name) for name in OTHER_CRITERIA)
    ):
        return None
    now = timezone.now()
    bounds = [data.get("start")]
    if window_days is not None:
        bounds.append(now - timedelta(days=window_days))
    after = rules.retention[DataClass.READS].restricted_after
    if withheld and after is not None:
        bounds.append(now - after)
    since = max((b for b in bounds if b is not None), default=None)
    return Scope(plates_, agencies, since, data.get("end"))


def count(
    reads: PlateReadQuerySet, before: datetime | None, limit: int, scope: Scope | None
) -> int:
    """How many of `reads` (the search's, all criteria applied) were captured
    before `before`, up to `limit`: counted months from their counts, the
    other stretches of time by probing."""
    if before is not None:
        reads = reads.filter(captured_at__lt=before)
    months = scope.months(before) if scope is not None else []
    if not months:
        return reads.order_by()[:limit].count()
    assert scope is not None  # months come only from a scope
    found = scope.counted(months)
    if found >= limit:
        return limit
    probed = reads.filter(_outside(months, before))
    return found + probed.order_by()[: limit - found].count()


def _outside(months: list[partitions.Month], before: datetime | None) -> Q:
    """The stretches of time before `before` that no counted month covers
    (`months` sorted, at least one), as ranges PostgreSQL prunes partitions
    by (a NOT around the counted months would probe every month's index)."""
    ranges = [Q(captured_at__lt=months[0].start)]
    for month, following in zip(months, months[1:], strict=False):
        if month.end < following.start:
            ranges.append(
                Q(captured_at__gte=month.end, captured_at__lt=following.start)
            )
    last = months[-1].end
    if before is None:
        ranges.append(Q(captured_at__gte=last))
    elif last < before:
        ranges.append(Q(captured_at__gte=last, captured_at__lt=before))
    return reduce(operator.or_, ranges)
