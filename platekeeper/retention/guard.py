"""A database trigger that refuses to delete a read still within its retention.

Only the purge moves the horizon (`Horizon.reads_before`), and only to now
minus the reads' retention, so a read younger than that cannot be deleted by
anyone working through the application: not an administrator in a shell, not
a bug in the purge (R24). Dropping the trigger takes the database owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

READS = "reads_plateread"
HORIZON = "retention_horizon"
MESSAGE = "a read within its retention period cannot be deleted"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS reads_keep_retained BEFORE DELETE ON {READS}
        WHEN OLD.captured_at >= COALESCE((SELECT MAX(reads_before) FROM {HORIZON}), '0')
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS reads_keep_retained"]

PG_CREATE = [
    f"""CREATE OR REPLACE FUNCTION reads_keep_retained() RETURNS trigger AS $$
        BEGIN
          IF OLD.captured_at >= COALESCE(
               (SELECT MAX(reads_before) FROM {HORIZON}), '-infinity'::timestamptz) THEN
            RAISE EXCEPTION '{MESSAGE}';
          END IF;
          RETURN OLD;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER reads_keep_retained BEFORE DELETE ON {READS}
        FOR EACH ROW EXECUTE FUNCTION reads_keep_retained()""",
]
PG_DROP = [f"DROP TRIGGER IF EXISTS reads_keep_retained ON {READS}"]


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install() -> None:
    _run(PG_CREATE if connection.vendor == "postgresql" else SQLITE_CREATE)


def drop() -> None:
    _run(PG_DROP if connection.vendor == "postgresql" else SQLITE_DROP)


@contextmanager
def lifted() -> Iterator[None]:
    """Drop the trigger for the duration (test-database flush only)."""
    drop()
    try:
        yield
    finally:
        install()
