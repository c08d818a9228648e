"""The purge: expired reads go, with their images and everything derived from them.

On PostgreSQL a month wholly past the cut-off is dropped as a partition
(retention.months). Other reads are taken oldest first in batches of `BATCH`,
each batch in its own short transaction, so ingest and searches never wait long on it. A read is
kept while a hold covers it, while an alert on it is unresolved, and while a
hit on it is within the alerts' retention (a read that matched something is
kept as long as the alert; one that matched nothing goes with the reads'
retention: New Hampshire's three minutes). Access records are never touched
(R19). One audit entry per run, with the counts and the range purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.hotlists.models import Alert, Hit
from platekeeper.hotlists.models import Entry as HotListEntry
from platekeeper.policy.models import PolicyVersion, current_rules
from platekeeper.policy.rules import DataClass, Rules
from platekeeper.reads import blobs
from platekeeper.reads.models import (
    IngestReceipt,
    PlateRead,
    ReadCandidate,
    ReadCorrection,
)
from platekeeper.retention import ledger, months
from platekeeper.retention.models import (
    HeldRead,
    Hold,
    Horizon,
    PendingImage,
    PurgeRun,
)

BATCH = 5000
SYSTEM = Actor.system("purge")


class NoPolicy(RuntimeError):
    pass


@dataclass(frozen=True)
class Cutoffs:
    reads: datetime
    alerts: datetime
    entries: datetime

    @classmethod
    def of(cls, rules: Rules, now: datetime) -> Cutoffs:
        keep = rules.retention
        return cls(
            now - keep[DataClass.READS].minimum,
            now - keep[DataClass.ALERTS].minimum,
            now - keep[DataClass.HOTLIST_ENTRIES].minimum,
        )


def last_run() -> PurgeRun | None:
    return PurgeRun.objects.filter(dry_run=False).order_by("-started_at").first()


def due(rules: Rules, now: datetime) -> bool:
    """Whether the cadence the Policy sets (Rules.purge_every) calls for a run."""
    last = last_run()
    return last is None or last.started_at + rules.purge_every() <= now


def run(now: datetime | None = None, *, dry_run: bool = False) -> PurgeRun:
    """Purge what the Policy in force says is expired; return the run's record."""
    now = now or timezone.now()
    found = current_rules()
    if found is None:
        raise NoPolicy("no Policy is in force: nothing is known to be expired")
    version, rules = found
    cut = Cutoffs.of(rules, now)
    purge = PurgeRun(
        started_at=now,
        dry_run=dry_run,
        policy_version=version.number,
        reads_cutoff=cut.reads,
    )
    if dry_run:
        _steps(purge, cut, dry_run=True)
        return purge
    purge.save()
    Horizon.objects.update_or_create(pk=1, defaults={"reads_before": cut.reads})
    try:
        _steps(purge, cut, dry_run=False)
    except (DatabaseError, OSError) as exc:
        # What was purged before the failure stays purged and counted; the run
        # says why it stopped, and the next one carries on.
        purge.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        purge.finished_at = timezone.now()
        purge.save()
        _record(purge, version)
    return purge


def _steps(purge: PurgeRun, cut: Cutoffs, *, dry_run: bool) -> None:
    if not dry_run:
        _remove_images(purge)  # what a failed run left
        if months.purge(purge, cut.reads, cut.alerts):
            # A month may leave more images than one pass takes.
            while _remove_images(purge):
                pass
            purge.save()
    _reads(purge, cut, dry_run)
    _old_hits(purge, cut, dry_run)
    _entries(purge, cut, dry_run)
    if not dry_run:
        _receipts(cut)


def _reads(purge: PurgeRun, cut: Cutoffs, dry_run: bool) -> None:
    after: tuple[datetime, int] | None = None
    while True:
        expired = PlateRead.objects.filter(captured_at__lt=cut.reads)
        if after is not None:
            at, pk = after
            expired = expired.filter(
                Q(captured_at__gt=at) | Q(captured_at=at, id__gt=pk)
            )
        rows = list(
            expired.order_by("captured_at", "id").values_list(
                "id", "captured_at", "plate_image", "overview_image"
            )[:BATCH]
        )
        if not rows:
            return
        after = (rows[-1][1], rows[-1][0])
        if dry_run:
            purge.reads += len(rows) - len(_kept({r[0] for r in rows}, cut))
        else:
            _purge_batch(purge, rows, cut)


def _kept(ids: set[int], cut: Cutoffs) -> set[int]:
    """Of these expired reads, the ones that must stay."""
    held = HeldRead.objects.filter(read_id__in=ids).exclude(
        hold__status=Hold.Status.RELEASED
    )
    matched = Hit.objects.filter(read_id__in=ids).filter(
        Q(created_at__gte=cut.alerts) | Q(alert__status__in=OPEN_ALERTS)
    )
    return set(held.values_list("read_id", flat=True)) | set(
        matched.values_list("read_id", flat=True)
    )


OPEN_ALERTS = [Alert.Status.NEW, Alert.Status.CLAIMED]


def _purge_batch(purge: PurgeRun, rows: list[tuple[Any, ...]], cut: Cutoffs) -> None:
    with transaction.atomic():
        kept = _kept({r[0] for r in rows}, cut)
        gone = [r for r in rows if r[0] not in kept]
        purge.held_kept += len(kept)
        if not gone:
            return
        _delete(purge, gone)
    # After the commit: a ledger line names a read that is gone.
    ledger.append(purge.started_at, purge.pk, cut.reads, [r[0] for r in gone])
    _finish_batch(purge, gone)


def _delete(purge: PurgeRun, gone: list[tuple[Any, ...]]) -> None:
    """Delete these reads and what hangs on them (inside the caller's transaction)."""
    ids = [r[0] for r in gone]
    hits = Hit.objects.filter(read_id__in=ids)
    purge.alerts += Alert.objects.filter(hit__in=hits).delete()[0]
    purge.hits += hits.delete()[0]
    ReadCandidate.objects.filter(read_id__in=ids).delete()
    ReadCorrection.objects.filter(read_id__in=ids).delete()
    purge.reads += PlateRead.objects.filter(id__in=ids).delete()[0]
    digests = {d for r in gone for d in (r[2], r[3]) if d}
    PendingImage.objects.bulk_create(
        (PendingImage(digest=d) for d in digests - _still_used(digests)),
        ignore_conflicts=True,
    )


def _finish_batch(purge: PurgeRun, gone: list[tuple[Any, ...]]) -> None:
    _remove_images(purge)
    first, last = gone[0][1], gone[-1][1]
    purge.oldest_purged = min(filter(None, (purge.oldest_purged, first)))
    purge.newest_purged = max(filter(None, (purge.newest_purged, last)))
    purge.save()


def _remove_images(purge: PurgeRun) -> int:
    """Remove the files of images no read shows any more, this run's and any an
    earlier run could not remove (at most 2 × BATCH); return how many were pending."""
    pending = set(PendingImage.objects.values_list("digest", flat=True)[: BATCH * 2])
    # Shown again since (the same bytes stored by a new read): kept.
    done = _still_used(pending)
    for digest in sorted(pending - done):
        purge.images += blobs.delete(digest)
        done.add(digest)
    PendingImage.objects.filter(digest__in=done).delete()
    return len(pending)


def _still_used(digests: set[str]) -> set[str]:
    """Images another read still shows (one overview can serve several plates)."""
    if not digests:
        return set()
    used: set[str] = set()
    for column in ("plate_image", "overview_image"):
        # The "not empty" condition written out, so both databases see that
        # the partial index on the column applies.
        used.update(
            PlateRead.objects.filter(**{f"{column}__in": digests})
            .exclude(**{column: ""})
            .values_list(column, flat=True)
        )
    return used


def _old_hits(purge: PurgeRun, cut: Cutoffs, dry_run: bool) -> None:
    """Hits and closed alerts past the alerts' retention on reads still kept."""
    held = HeldRead.objects.exclude(hold__status=Hold.Status.RELEASED).values("read_id")
    old = (
        Hit.objects.filter(created_at__lt=cut.alerts)
        .exclude(alert__status__in=OPEN_ALERTS)
        .exclude(read_id__in=held)
    )
    if dry_run:
        purge.hits += old.count()
        return
    with transaction.atomic():
        purge.alerts += Alert.objects.filter(hit__in=old).delete()[0]
        purge.hits += old.delete()[0]


def _entries(purge: PurgeRun, cut: Cutoffs, dry_run: bool) -> None:
    """Hot-list entries ended (retired, cleared, expired) before their retention,
    once no hit names them."""
    ended = HotListEntry.objects.filter(
        Q(retired_at__lt=cut.entries)
        | Q(cleared_at__lt=cut.entries)
        | Q(expires_at__lt=cut.entries)
    ).filter(hits__isnull=True)
    if dry_run:
        purge.entries = ended.count()
        return
    purge.entries = HotListEntry.objects.filter(
        pk__in=list(ended.values_list("pk", flat=True))
    ).delete()[0]


def _receipts(cut: Cutoffs) -> None:
    """Ingest receipts only stop a re-sent event being stored twice: once past
    the reads' retention they name nothing anyone may keep."""
    while True:
        ids = list(
            IngestReceipt.objects.filter(received_at__lt=cut.reads).values_list(
                "id", flat=True
            )[:BATCH]
        )
        if not ids:
            return
        IngestReceipt.objects.filter(id__in=ids).delete()


def _record(purge: PurgeRun, version: PolicyVersion) -> None:
    record_access(
        SYSTEM,
        Entry(
            Action.PURGE,
            {
                "run": purge.pk,
                "reads_cutoff": purge.reads_cutoff.isoformat(),
                "oldest": purge.oldest_purged.isoformat()
                if purge.oldest_purged
                else None,
                "newest": purge.newest_purged.isoformat()
                if purge.newest_purged
                else None,
                "images": purge.images,
                "hits": purge.hits,
                "alerts": purge.alerts,
                "entries": purge.entries,
                "held_kept": purge.held_kept,
            },
            result_count=purge.reads,
            outcome=Outcome.DENIED if purge.error else Outcome.ALLOWED,
            reason=purge.error[:500],
            policy_version=version.number,
        ),
    )


def reapply(purge: PurgeRun, ids: list[int]) -> None:
    """Delete again reads a purge deleted after a backup was taken (restore).
    Holds in the restored data do not keep them: they were lawfully gone."""
    for start in range(0, len(ids), BATCH):
        rows = list(
            PlateRead.objects.filter(id__in=ids[start : start + BATCH])
            .order_by("captured_at", "id")
            .values_list("id", "captured_at", "plate_image", "overview_image")
        )
        if rows:
            with transaction.atomic():
                _delete(purge, rows)
            _finish_batch(purge, rows)
