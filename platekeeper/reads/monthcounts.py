"""Reads counted by plate, agency and month, for the capped count of a
partial-plate search on PostgreSQL (docs/decisions/0021).

Counting a pattern's reads probes each matching plate in each month's index:
768 plates x 12 months, 28 ms on 10,000,000 reads, more than the rest of the
search. Once a month has ended, the daily `count_months` job counts its reads
by plate and agency (`MonthCount`) and marks the month counted
(`CountedMonth`); a search then adds up those counts, one probe a plate, and
probes only the months not counted (the current one, a month written since).

Counts must never be stale while marked whole. Statement triggers on the
reads table remove a month's mark, in the writer's own transaction, whenever
a statement inserts, updates or deletes reads of a month that may be counted:
an import of old reads, a correction, a purge. The job counts a month only
under a lock those triggers also take, so a writer either commits before the
job reads the month or unmarks it after the job is done. A month dropped by
the purge is unmarked by the purge itself (dropping a table fires no trigger).

SQLite has no months: nothing here runs there, and searches probe as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from platekeeper.lib.triggers import Triggers
from platekeeper.reads import partitions

READS = partitions.READS
COUNTED = "reads_countedmonth"
# A month may be counted once it ended this long ago. The triggers take the
# lock for every month that ended a day ago, a superset, so that a writer and
# the job agree on which months need it whatever a transaction's now() says.
SETTLED = timedelta(days=2)

# Months of a statement's rows that may be counted: ended a day ago or more.
_COUNTABLE = (
    "captured_at < date_trunc('month', (now() - interval '1 day') AT TIME ZONE 'UTC')"
    " AT TIME ZONE 'UTC'"
)
_MONTHS_OF = (
    "SELECT date_trunc('month', captured_at AT TIME ZONE 'UTC')::date FROM {rows} "
    f"WHERE {_COUNTABLE}"
)


def _unmark(rows: str) -> str:
    # LOCK first, as its own statement: the DELETE after it then reads a
    # snapshot taken after any count the job was making has committed.
    return f"""
      IF EXISTS ({_MONTHS_OF.format(rows=rows)}) THEN
        LOCK TABLE {COUNTED} IN ROW EXCLUSIVE MODE;
        DELETE FROM {COUNTED} WHERE month IN ({_MONTHS_OF.format(rows=rows)});
      END IF;"""


PG_CREATE = [
    f"""CREATE OR REPLACE FUNCTION reads_uncount_months() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('INSERT', 'UPDATE') THEN {_unmark("new_rows")} END IF;
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {_unmark("old_rows")} END IF;
          RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
    # One trigger an event: PostgreSQL takes transition tables only so.
    f"""CREATE OR REPLACE TRIGGER reads_uncount_inserted AFTER INSERT ON {READS}
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reads_uncount_months()""",
    f"""CREATE OR REPLACE TRIGGER reads_uncount_updated AFTER UPDATE ON {READS}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reads_uncount_months()""",
    f"""CREATE OR REPLACE TRIGGER reads_uncount_deleted AFTER DELETE ON {READS}
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reads_uncount_months()""",
]
PG_DROP = [
    f"DROP TRIGGER IF EXISTS reads_uncount_{event} ON {READS}"
    for event in ("inserted", "updated", "deleted")
]
UNCOUNT = Triggers([], [], PG_CREATE, PG_DROP)


def count_months(now: datetime) -> list[partitions.Month]:
    """Count every month that ended at least SETTLED ago and is not counted;
    drop the counts of months no longer held. Return the months counted."""
    from platekeeper.reads.models import CountedMonth, MonthCount

    if not partitions.partitioned():
        return []
    counted = set(CountedMonth.objects.values_list("month", flat=True))
    held = partitions.months()
    done = []
    for month in held:
        if month.end <= now - SETTLED and month.start.date() not in counted:
            if _count(month):
                done.append(month)
    if held:
        MonthCount.objects.filter(month__lt=held[0].start.date()).delete()
    return done


def count_and_settle(now: datetime) -> list[partitions.Month]:
    """`count_months`, then `settle` if it counted anything (the job; outside
    a transaction only)."""
    counted = count_months(now)
    if counted:
        settle()
    return counted


def settle() -> None:
    """Planner statistics and the visibility map for counts just written, as
    autovacuum gives them in time: until then a search's sum of 768 plates'
    counts read every row from the table (11.6 ms, 3.7 after). Outside a
    transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) reads_monthcount")


def _count(month: partitions.Month) -> bool:
    """Count the month unless another run (a command typed while the scheduler
    ran it) counted it while this one waited for the lock."""
    day = month.start.date()
    with transaction.atomic(), connection.cursor() as cursor:
        # Writers into a countable month wait here, and this waits for them.
        cursor.execute(f"LOCK TABLE {COUNTED} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT 1 FROM {COUNTED} WHERE month = %s", [day])
        if cursor.fetchone() is not None:
            return False
        cursor.execute("DELETE FROM reads_monthcount WHERE month = %s", [day])
        cursor.execute(
            "INSERT INTO reads_monthcount (month, plate_id, agency_id, reads) "
            "SELECT %s, r.plate_id, c.agency_id, COUNT(*) "
            f"FROM {READS} r JOIN reads_camera c ON c.id = r.camera_id "
            "WHERE r.captured_at >= %s AND r.captured_at < %s "
            "GROUP BY r.plate_id, c.agency_id",
            [day, month.start, month.end],
        )
        cursor.execute(
            f"INSERT INTO {COUNTED} (month, counted_at, reads) "
            "SELECT %s, %s, COALESCE(SUM(reads), 0) FROM reads_monthcount "
            "WHERE month = %s",
            [day, timezone.now(), day],
        )
    return True


def uncount(month: partitions.Month) -> None:
    """The month's counts are no longer whole (its table is being dropped)."""
    from platekeeper.reads.models import CountedMonth

    CountedMonth.objects.filter(month=month.start.date()).delete()
