"""Take the reads table on PostgreSQL from a plain table to monthly partitions
and back (migration 0009), without losing a row or an id.

The table is renamed aside, made again in the new layout with the same
columns in the same order, filled with every read (ids kept), and given back
its primary key, indexes, foreign keys and triggers under their own names.
Definitions are read from the catalogue rather than written out here, so an
index a later migration adds is carried too. One transaction: a failure
leaves the table as it was.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from platekeeper.reads import partitions

READS = partitions.READS
ASIDE = f"{READS}_aside"
OLDEST_MONTH = timedelta(days=3 * 366)
# The id alone is unique (one sequence gives it), but a partitioned table's key
# must hold the partition key (PostgreSQL's rule), and a distributed table's the
# distribution key (Citus's rule; reads are distributed by plate: docs/citus.md).
PARTITIONED_KEY = "(id, captured_at, plate_id)"


def to_partitioned() -> None:
    if partitions.partitioned():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _rebuild(cursor, "PARTITION BY RANGE (captured_at)", PARTITIONED_KEY)


def to_plain() -> None:
    if not partitions.partitioned():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _rebuild(cursor, "", "(id)")


def _rebuild(cursor: Any, layout: str, key: str) -> None:
    # A table with foreign-key checks still pending (deferred) cannot be dropped.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"ALTER TABLE {READS} RENAME TO {ASIDE}")
    again = [sql for _, sql in definitions(cursor, ASIDE, "fc", READS)]
    triggers = _triggers(cursor)
    next_id = _next_id(cursor)
    cursor.execute(
        f"CREATE TABLE {READS} (LIKE {ASIDE} INCLUDING DEFAULTS INCLUDING IDENTITY "
        f"INCLUDING STORAGE INCLUDING COMPRESSION) {layout}"
    )
    if layout:
        _months(cursor)
    cursor.execute(f"INSERT INTO {READS} SELECT * FROM {ASIDE}")
    cursor.execute(f"ALTER TABLE {READS} ALTER COLUMN id RESTART WITH %s", [next_id])
    # Dropping the old table frees the names its sequence, key and indexes used.
    cursor.execute(f"DROP TABLE {ASIDE}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [READS])
    sequence = cursor.fetchone()[0]
    if sequence.split(".")[-1] != f"{READS}_id_seq":
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {READS}_id_seq")
    cursor.execute(f"ALTER TABLE {READS} ADD CONSTRAINT {READS}_pkey PRIMARY KEY {key}")
    for sql in again + triggers:
        cursor.execute(sql)


def _months(cursor: Any) -> None:
    """The default partition, and the months the reads will go to (made before
    the copy, so each read is written once, into its month)."""
    cursor.execute(f"CREATE TABLE {partitions.OTHER} PARTITION OF {READS} DEFAULT")
    cursor.execute(f"SELECT MIN(captured_at) FROM {ASIDE}")
    now = timezone.now()
    # A camera whose clock once said 1990 must not make 400 empty months: what
    # is older than this goes to the default partition and is purged row by row.
    first = max(cursor.fetchone()[0] or now, now - OLDEST_MONTH)
    partitions.ensure(first, now)
    partitions.ensure_ahead(now)


def definitions(
    cursor: Any, table: str, kinds: str, target: str
) -> list[tuple[str, str]]:
    """(name, SQL) that makes again on `target` the constraints of `table` of
    these kinds ('p' key, 'f' foreign key, 'c' check; the key first) and every
    index of `table` no constraint owns. Also the bench's bulk load, which
    drops and remakes them around a COPY."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype = ANY(%s) AND coninhcount = 0",
        [table, list(kinds)],
    )
    constraints = sorted(cursor.fetchall(), key=lambda c: c[2] != "p")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname AND c.conrelid = to_regclass(%s))",
        [table, table],
    )
    indexes = cursor.fetchall()
    return [
        (name, f"ALTER TABLE {target} ADD CONSTRAINT {name} {definition}")
        for name, definition, _ in constraints
    ] + [
        # A partitioned table's index reads "ON ONLY table": remade, it must
        # cover every partition.
        (name, re.sub(r" ON (ONLY )?\S+ USING ", f" ON {target} USING ", definition))
        for name, definition in indexes
    ]


def _triggers(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal AND tgparentid = 0",
        [ASIDE],
    )
    return [
        re.sub(r" ON \S+ ", f" ON {READS} ", row[0], count=1)
        for row in cursor.fetchall()
    ]


def _next_id(cursor: Any) -> int:
    """Past every id the old table ever gave, purged ones included."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [ASIDE])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last, called = cursor.fetchone()
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {ASIDE}")
    return max(last if called else last - 1, cursor.fetchone()[0]) + 1
