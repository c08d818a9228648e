"""Monthly partitions of the reads table on PostgreSQL (docs/decisions/0001).

`reads_plateread` is range-partitioned by capture time, one partition a month
(`reads_plateread_y2026m11`), plus a default partition (`reads_plateread_other`)
that takes what no month holds: reads older than the first month, and the
reads a month's purge keeps (held, or matched and still within the alerts'
retention), which are moved there before the month's table is dropped.

Months are made ahead of time (the `partitions` job, daily), so the default
partition holds only those. If a month is made for a range the default
partition already has reads in (a long import of old reads, a job that did not
run for months), those reads are moved into the new month in the same
transaction.

On SQLite there are no partitions: every function here says so and does
nothing, and the purge deletes row by row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction

READS = "reads_plateread"
OTHER = f"{READS}_other"
NAME = re.compile(rf"^{READS}_y(\d{{4}})m(\d{{2}})$")
# Months made ahead of the current one: next month's, made weeks before it is
# needed (the /health check fails if it is missing). More would cost every
# search that cannot be pruned by time the planning of empty tables.
AHEAD = 1


@dataclass(frozen=True, order=True)
class Month:
    start: datetime  # first instant of the month, UTC

    @classmethod
    def of(cls, when: datetime) -> Month:
        when = when.astimezone(UTC)
        return cls(datetime(when.year, when.month, 1, tzinfo=UTC))

    @property
    def end(self) -> datetime:
        year, month = self.start.year, self.start.month + 1
        if month == 13:
            year, month = year + 1, 1
        return datetime(year, month, 1, tzinfo=UTC)

    @property
    def next(self) -> Month:
        return Month(self.end)

    @property
    def table(self) -> str:
        return f"{READS}_y{self.start.year:04d}m{self.start.month:02d}"

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}"


def partitioned() -> bool:
    """Whether the reads table is partitioned here (PostgreSQL after migration 0009)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)",
            [READS],
        )
        return cursor.fetchone() is not None


def months() -> list[Month]:
    """The months that have a partition, oldest first. (Not asked whether the
    table is partitioned: a table that is not has no partitions to list, and a
    partial-plate search asks on every page.)"""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [READS],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        if m := NAME.match(name):
            found.append(Month(datetime(int(m[1]), int(m[2]), 1, tzinfo=UTC)))
    return sorted(found)


# A stretch of capture time, [start, end); None is open on that side.
Stretch = tuple[datetime | None, datetime | None]


def stretches() -> list[Stretch]:
    """Stretches of capture time that together cover all time, newest first,
    each within one partition: every month that has one, and the stretches
    between and around them that the default partition holds. A query limited
    to one stretch plans and probes one table. Without partitions, all time."""
    found: list[Stretch] = []
    end: datetime | None = None
    for month in reversed(months()):
        if end is None or end > month.end:
            found.append((month.end, end))
        found.append((month.start, month.end))
        end = month.start
    found.append((None, end))
    return found


def span(first: Month, last: Month) -> Iterator[Month]:
    month = first
    while month <= last:
        yield month
        month = month.next


def ensure(first: datetime, last: datetime) -> list[Month]:
    """Make a partition for every month from `first` to `last` that has none;
    return the months made."""
    if not partitioned():
        return []
    have = set(months())
    made = []
    for month in span(Month.of(first), Month.of(last)):
        if month not in have:
            _make(month)
            made.append(month)
    return made


def ensure_ahead(now: datetime) -> list[Month]:
    """This month and the next AHEAD months (the daily job)."""
    last = Month.of(now)
    for _ in range(AHEAD):
        last = last.next
    return ensure(now, last.start)


def _make(month: Month) -> None:
    bounds = "FOR VALUES FROM (%s) TO (%s)"
    with transaction.atomic(), connection.cursor() as cursor:
        # A table with foreign-key checks still pending (deferred) cannot be
        # detached: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {OTHER} "
            "WHERE captured_at >= %s AND captured_at < %s)",
            [month.start, month.end],
        )
        if not cursor.fetchone()[0]:
            cursor.execute(
                f"CREATE TABLE {month.table} PARTITION OF {READS} {bounds}",
                [month.start, month.end],
            )
            return
        # The default partition may not hold reads of a month that has its own
        # partition: take it out, make the month, move its reads, put it back.
        # Detached, it is a plain table, so moving is not a purge and the
        # retention guard (a trigger on the partitioned table) is not asked.
        cursor.execute(f"ALTER TABLE {READS} DETACH PARTITION {OTHER}")
        cursor.execute(
            f"CREATE TABLE {month.table} PARTITION OF {READS} {bounds}",
            [month.start, month.end],
        )
        where = "WHERE captured_at >= %s AND captured_at < %s"
        cursor.execute(
            f"INSERT INTO {READS} SELECT * FROM {OTHER} {where}",
            [month.start, month.end],
        )
        cursor.execute(f"DELETE FROM {OTHER} {where}", [month.start, month.end])
        cursor.execute(f"ALTER TABLE {READS} ATTACH PARTITION {OTHER} DEFAULT")


def expired(cutoff: datetime) -> list[Month]:
    """Months wholly before `cutoff`: the purge drops them."""
    return [m for m in months() if m.end <= cutoff]
