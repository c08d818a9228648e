"""Every read against every live entry: the in-memory index, hits, alerts.

Each process that stores reads keeps an `Index` of the live entries. A row in
the database (`Generation`) counts changes; a process looks at it at most
every `HOTLIST_CHECK_SECONDS`, rebuilds when it moved (in a background thread when
the lists are large, swapping when done) and then matches again the reads
stored since the change, so no read falls between two indexes. A hit is
stored once per (read, entry); it becomes an alert unless the entry's
category stays silent under the Policy, the read is under the list's minimum
confidence, or the same entry alerted at the same camera a moment ago.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from platekeeper.hotlists import categories
from platekeeper.hotlists.models import Alert, Entry, Generation, Hit
from platekeeper.lib.matcher import Index, Row
from platekeeper.lib.plates import normalize
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import HotListRules, Rules
from platekeeper.reads import sql
from platekeeper.reads.models import PlateRead

logger = logging.getLogger(__name__)

# Above this many entries the index is rebuilt in the background.
BUILD_IN_BACKGROUND = 100_000


@dataclass(frozen=True)
class Seen:
    """What matching needs of a stored read."""

    read_id: int
    camera_id: int
    agency_id: int
    plate: str
    confidence: float


def bump(now: datetime | None = None) -> None:
    """Tell every process its index is stale (inside the change's transaction)."""
    newest = PlateRead.objects.order_by("-id").values_list("id", flat=True).first() or 0
    updated = Generation.objects.filter(pk=1).update(
        value=F("value") + 1, reads_after=newest
    )
    if not updated:
        Generation.objects.create(pk=1, value=1, reads_after=newest)


def _generation() -> tuple[int, int]:
    row = Generation.objects.filter(pk=1).values_list("value", "reads_after").first()
    return row if row else (0, 0)


def live_entries(now: datetime) -> QuerySet[Entry]:
    """Every entry that can alert now: not cleared, not retired, not expired."""
    return Entry.objects.filter(cleared_at=None, retired_at=None).filter(
        Q(expires_at=None) | Q(expires_at__gt=now)
    )


def live_rows(now: datetime) -> list[Row]:
    """The index rows of every entry that can alert now."""
    entries = live_entries(now)
    return [
        Row(entry_id, plate, tolerant)
        for entry_id, plate, tolerant in entries.values_list(
            "id", "plate", "hot_list__misread_tolerant"
        ).iterator(chunk_size=10_000)
    ]


class Holder:
    """The process's index and the generation it was built from."""

    def __init__(self) -> None:
        self.index: Index | None = None
        self.generation = -1
        self.checked = 0.0
        self.lock = threading.Lock()
        self.building = False
        # The oldest read this process matched without first looking at the
        # generation (within HOTLIST_CHECK_SECONDS of the last look): if the
        # lists changed meanwhile, it and the reads after it are matched again.
        self.unchecked_from: int | None = None

    def current(self) -> tuple[Index, bool]:
        """The index, and whether the generation was looked at just now."""
        fresh = False
        if self.index is None:
            with self.lock:
                if self.index is None:
                    self._build(_generation()[0])
                    fresh = True
        elif time.monotonic() - self.checked >= settings.HOTLIST_CHECK_SECONDS:
            self.checked = time.monotonic()
            fresh = True
            value, reads_after = _generation()
            if value == self.generation:
                self.unchecked_from = (
                    None  # nothing changed: those reads were matched right
                )
            elif not self.building:
                if self.unchecked_from is not None:
                    reads_after = min(reads_after, self.unchecked_from - 1)
                    self.unchecked_from = None
                if self.index.size > BUILD_IN_BACKGROUND:
                    self.building = True
                    threading.Thread(
                        target=self._build_in_background,
                        args=(value, reads_after),
                        daemon=True,
                    ).start()
                else:
                    self._build(value)
                    self._rematch(reads_after)
        assert self.index is not None
        return self.index, fresh

    def _build(self, value: int) -> None:
        self.index = Index.build(live_rows(timezone.now()))
        self.generation = value
        self.checked = time.monotonic()

    def _build_in_background(self, value: int, reads_after: int) -> None:
        try:
            self._build(value)
            self._rematch(reads_after)
        except Exception:  # noqa: BLE001 - a failed rebuild keeps the old index
            logger.exception("hot-list index rebuild failed; keeping the old one")
        finally:
            self.building = False
            connection.close()

    def _rematch(self, reads_after: int) -> None:
        """Reads stored since the change, against the new index (hits are once only)."""
        since = PlateRead.objects.filter(id__gt=reads_after).values_list(
            "id", "camera_id", "camera__agency_id", "plate_text", "confidence"
        )
        seen = [Seen(i, c, a, plate, conf) for i, c, a, plate, conf in since]
        if seen:
            match(seen)  # what ingest would have found: not a look-back

    def reset(self) -> None:
        """Forget the index (tests that change entries outside a transaction)."""
        self.index = None
        self.generation = -1
        self.unchecked_from = None


HOLDER = Holder()


def match(seen: list[Seen], retroactive: bool = False) -> list[Alert]:
    """Hits and alerts for stored reads; returns the new alerts."""
    index, fresh = HOLDER.current()
    if not fresh and seen:
        oldest = min(r.read_id for r in seen)
        if HOLDER.unchecked_from is None or oldest < HOLDER.unchecked_from:
            HOLDER.unchecked_from = oldest
    pairs = [
        (read, entry_id, how)
        for read in seen
        for entry_id, how in index.match(normalize(read.plate))
    ]
    if not pairs:
        return []
    found = current_rules()
    if found is None:
        return []
    return record_hits(pairs, found[1], retroactive)


def record_hits(
    pairs: list[tuple[Seen, int, str]], rules: Rules, retroactive: bool
) -> list[Alert]:
    now = timezone.now()
    entries = {
        e.id: e
        for e in Entry.objects.filter(id__in={e for _, e, _ in pairs}).select_related(
            "hot_list"
        )
    }
    rows = []
    for read, entry_id, how in pairs:
        entry = entries.get(entry_id)
        if entry is None or not entry.is_live(now):
            continue  # changed since the index was built
        if entry.hot_list.agency_id != read.agency_id:
            continue  # a list matches its own agency's reads
        rows.append((read, entry, how))
    if not rows:
        return []
    with transaction.atomic():
        added = sql.insert(
            Hit,
            [
                "read_id",
                "entry",
                "hot_list",
                "camera_id",
                "plate",
                "how",
                "retroactive",
                "created_at",
            ],
            [
                [
                    r.read_id,
                    e.id,
                    e.hot_list_id,
                    r.camera_id,
                    r.plate,
                    how,
                    retroactive,
                    now,
                ]
                for r, e, how in rows
            ],
            returning=["id", "read_id", "entry"],
            on_conflict_ignore="read_id, entry_id",
        )
        new = {(read_id, entry_id): hit_id for hit_id, read_id, entry_id in added}
        alerts = [
            _alert(hit_id, read, entry, rules.hot_lists, now)
            for read, entry, _ in rows
            if (hit_id := new.get((read.read_id, entry.id))) is not None
        ]
        return Alert.objects.bulk_create([a for a in alerts if a is not None])


def _alert(
    hit_id: int, read: Seen, entry: Entry, policy: HotListRules, now: datetime
) -> Alert | None:
    hot_list = entry.hot_list
    if read.confidence < hot_list.min_confidence:
        return None
    if not categories.alerts(entry.category, policy):
        return None
    if (
        policy.repeat_alert_minutes
        and Alert.objects.filter(
            hit__entry=entry,
            hit__camera_id=read.camera_id,
            created_at__gte=now - timedelta(minutes=policy.repeat_alert_minutes),
        ).exists()
    ):
        return None
    known = categories.CATEGORIES.get(entry.category)
    due = timedelta(minutes=10) if known is None or known.urgent else timedelta(hours=1)
    return Alert(
        hit_id=hit_id,
        agency_id=hot_list.agency_id,
        hot_list=hot_list,
        created_at=now,
        confirm_due_at=now + due,
    )
