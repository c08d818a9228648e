"""The purge of whole months on PostgreSQL: a partition dropped, not its rows
deleted one by one (docs/decisions/0001, 0019).

A month wholly older than the reads' cut-off is purged in one transaction:
what hangs on its reads goes (hits and their alerts, OCR candidates,
corrections), the month's table is detached, the reads that must stay (held,
or matched and still within the alerts' retention) are written again into the
default partition, and the table is dropped. The month is never dropped while
it holds a read younger than the purge horizon: its upper bound is at or
before the cut-off the horizon was just moved to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from platekeeper.hotlists.models import Alert, Hit
from platekeeper.reads import monthcounts, partitions
from platekeeper.reads.models import PlateRead
from platekeeper.reads.partitions import Month
from platekeeper.retention import ledger
from platekeeper.retention.models import HeldRead, Hold, PendingImage, PurgeRun

# Images looked up per query when a month's are queued for removal.
CHUNK = 5000


def purge(purge_run: PurgeRun, cutoff: datetime, alerts_cutoff: datetime) -> int:
    """Drop every month wholly before `cutoff`; return how many reads went."""
    count = 0
    for month in partitions.expired(cutoff):
        gone, kept = _drop(purge_run, month, _kept(alerts_cutoff))
        # After the commit, as for a batch: a ledger line names reads that are
        # gone. One line for the month, not its ids (8,332,332 ids at
        # 100,000,000 reads: 3.5 s of a 28 s purge, and 70 MB of ledger).
        ledger.append_month(
            purge_run.started_at,
            purge_run.pk,
            cutoff,
            ledger.MonthGone(month.start, month.end, frozenset(kept)),
        )
        count += gone
    return count


def reapply(purge_run: PurgeRun, gone: ledger.MonthGone) -> None:
    """Drop again a month a purge dropped after the backup was taken (restore),
    keeping what that purge kept, whatever the restored holds say: what it
    dropped was lawfully gone."""
    from platekeeper.retention import purge

    month = Month.of(gone.start)
    if month in partitions.months():
        _drop(purge_run, month, sorted(gone.kept))
        return
    # Restored without that month's table: its reads, if any, row by row.
    reads = PlateRead.objects.filter(
        captured_at__gte=gone.start, captured_at__lt=gone.end
    ).exclude(id__in=sorted(gone.kept))
    purge.reapply(purge_run, list(reads.values_list("id", flat=True)))


def _kept(alerts_cutoff: datetime) -> list[int]:
    """Every read that must outlive its month. Few (holds and recent hits), so
    one list for all months rather than a query per read."""
    from platekeeper.retention.purge import OPEN_ALERTS

    held = HeldRead.objects.exclude(hold__status=Hold.Status.RELEASED)
    matched = Hit.objects.filter(
        Q(created_at__gte=alerts_cutoff) | Q(alert__status__in=OPEN_ALERTS)
    )
    return sorted(
        set(held.values_list("read_id", flat=True))
        | set(matched.values_list("read_id", flat=True))
    )


def _drop(purge_run: PurgeRun, month: Month, kept: list[int]) -> tuple[int, list[int]]:
    """Drop the month but the `kept` reads; return how many went and which
    of the month's reads were kept."""
    table = month.table
    not_kept = "NOT (r.id = ANY(%s))"
    with transaction.atomic(), connection.cursor() as cursor:
        # A table with foreign-key checks still pending (deferred) cannot be
        # dropped or detached: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"SELECT COUNT(*), MIN(captured_at), MAX(captured_at) FROM {table} r "
            f"WHERE {not_kept}",
            [kept],
        )
        gone, oldest, newest = cursor.fetchone()
        cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s)", [kept])
        kept_here = sorted(row[0] for row in cursor.fetchall())
        digests = _images(cursor, table, not_kept, kept)
        _dependents(purge_run, cursor, table, not_kept, kept)
        # From here the reads table is locked against writers until the
        # commit: three statements, milliseconds.
        # Its counts go with it (a dropped table fires no trigger).
        monthcounts.uncount(month)
        cursor.execute(f"ALTER TABLE {partitions.READS} DETACH PARTITION {table}")
        cursor.execute(
            f"INSERT INTO {partitions.READS} SELECT * FROM {table} WHERE id = ANY(%s)",
            [kept],
        )
        # Not counted as kept here: the batches that follow count every
        # expired read they keep, these among them.
        cursor.execute(f"DROP TABLE {table}")
        _pending(digests)
    purge_run.reads += gone
    if gone:
        purge_run.oldest_purged = min(filter(None, (purge_run.oldest_purged, oldest)))
        purge_run.newest_purged = max(filter(None, (purge_run.newest_purged, newest)))
    return gone, kept_here


def _images(cursor: Any, table: str, not_kept: str, kept: list[int]) -> set[str]:
    cursor.execute(
        f"SELECT plate_image FROM {table} r WHERE plate_image <> '' AND {not_kept} "
        f"UNION SELECT overview_image FROM {table} r "
        f"WHERE overview_image <> '' AND {not_kept}",
        [kept, kept],
    )
    return {row[0] for row in cursor.fetchall()}


def _dependents(
    purge_run: PurgeRun, cursor: Any, table: str, not_kept: str, kept: list[int]
) -> None:
    """What hangs on the month's reads that go. Hits are few (a read that
    matched something), so they go through the ORM and take their alerts
    with them; candidates and corrections are many, so SQL joined to the month."""
    cursor.execute(
        f"SELECT h.id FROM hotlists_hit h JOIN {table} r ON r.id = h.read_id "
        f"WHERE {not_kept}",
        [kept],
    )
    hits = Hit.objects.filter(id__in=[row[0] for row in cursor.fetchall()])
    purge_run.alerts += Alert.objects.filter(hit__in=hits).delete()[0]
    purge_run.hits += hits.delete()[0]
    for dependent in ("reads_readcandidate", "reads_readcorrection"):
        cursor.execute(
            f"DELETE FROM {dependent} d USING {table} r "
            f"WHERE d.read_id = r.id AND {not_kept}",
            [kept],
        )


def _pending(digests: set[str]) -> None:
    """Images of the dropped reads, to be removed once no other read shows them."""
    from platekeeper.retention.purge import _still_used

    ordered = sorted(digests)
    for start in range(0, len(ordered), CHUNK):
        chunk = set(ordered[start : start + CHUNK])
        PendingImage.objects.bulk_create(
            (PendingImage(digest=d) for d in chunk - _still_used(chunk)),
            ignore_conflicts=True,
        )
