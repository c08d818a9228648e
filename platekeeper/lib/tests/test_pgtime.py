"""PostgreSQL: timestamps parsed by psycopg's C loader give what Django's own
Python loader gave (docs/decisions/0022)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.test import SimpleTestCase, TestCase
from psycopg import adapters
from psycopg.pq import Format

from platekeeper.lib import pgtime

STORED = [
    "2026-03-08 09:59:59.999999+00",  # a microsecond before DST begins in California
    "2026-03-08 10:00:00+00",
    "2026-11-01 08:30:00.5+00",  # the hour that happens twice
    "1999-12-31 23:59:59+00",
    "2026-12-07 15:00:00-08",  # stored from a local time
]


def _skip_unless_postgresql(case: SimpleTestCase) -> None:
    if connection.vendor != "postgresql":
        case.skipTest("PostgreSQL's loader")


def _select(cursor: object) -> list[datetime]:
    values = ", ".join(["%s::timestamptz"] * len(STORED))
    cursor.execute(f"SELECT {values}", STORED)  # type: ignore[attr-defined]
    return list(cursor.fetchone())  # type: ignore[attr-defined]


class LoaderTestCase(TestCase):
    def test_it_loads_timestamps_as_djangos_loader_did(self) -> None:
        _skip_unless_postgresql(self)
        with connection.cursor() as cursor:
            fast = _select(cursor)
        with connection.cursor() as cursor:
            register_tzloader(UTC, cursor.cursor)  # Django's own, on this cursor only
            django_s = _select(cursor)
        self.assertEqual(fast, django_s)
        self.assertEqual([v.tzinfo for v in fast], [UTC] * len(STORED))
        self.assertEqual(fast[0], datetime(2026, 3, 8, 9, 59, 59, 999999, tzinfo=UTC))
        self.assertEqual(fast[4], datetime(2026, 12, 7, 23, 0, tzinfo=UTC))

    def test_it_is_the_loader_every_django_cursor_uses(self) -> None:
        _skip_unless_postgresql(self)
        with connection.cursor() as cursor:
            loader = cursor.cursor.adapters.get_loader(
                adapters.types["timestamptz"].oid, Format.TEXT
            )
        self.assertIs(loader, pgtime.UtcTimestampLoader)

    def test_it_keeps_the_instant_when_a_session_zone_differs(self) -> None:
        # Django's loader relabelled the local time as UTC (an hour or eight
        # off); psycopg's keeps the instant.
        _skip_unless_postgresql(self)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'America/Los_Angeles'")
            cursor.execute("SELECT %s::timestamptz", [STORED[1]])
            (value,) = cursor.fetchone()
        self.assertEqual(value, datetime(2026, 3, 8, 10, 0, tzinfo=UTC))
        self.assertEqual(value.tzinfo, ZoneInfo("America/Los_Angeles"))
        self.assertEqual(value.utcoffset(), timedelta(hours=-7))
