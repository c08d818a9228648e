"""Storing reads: the one path every adapter, the API and the importer share.

A batch is stored in one short transaction: distinct plates are looked up (or
added) in bulk, already-received events are skipped, reads and their receipts
are inserted in bulk, with the read's other OCR candidates. Validation happens before, per item, so one bad item
never costs the others. Per-frame formats go through `merging` instead, which
folds the many messages of one passing vehicle into one read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from platekeeper.lib import plates
from platekeeper.reads import blobs, sql
from platekeeper.reads.models import (
    Camera,
    IngestReceipt,
    Plate,
    PlateRead,
    ReadCandidate,
)
from platekeeper.reads.specs import ReadSpec, decode_image


@dataclass
class Item:
    """A validated read, its images as bytes, and what was dropped on the way."""

    index: int
    spec: ReadSpec
    plate_image: bytes | None = None
    overview_image: bytes | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_spec(cls, index: int, spec: ReadSpec) -> Item:
        """The generic API's images come inline (already checked by the spec)."""
        plate = decode_image(spec.plate_image) if spec.plate_image else None
        overview = decode_image(spec.overview_image) if spec.overview_image else None
        return cls(index, spec, plate, overview)


@dataclass
class ItemResult:
    index: int
    status: str  # "stored", "merged", "duplicate" or "rejected"
    read_id: int | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"index": self.index, "status": self.status}
        if self.read_id is not None:
            out["read_id"] = self.read_id
        if self.errors:
            out["errors"] = self.errors
        if self.warnings:
            out["warnings"] = self.warnings
        return out


def plate_ids(texts: set[str]) -> dict[str, int]:
    """Ids of the distinct plates, adding the ones never seen before."""
    known = dict(Plate.objects.filter(plate__in=texts).values_list("plate", "id"))
    new = sorted(texts - known.keys())
    if new:
        rows = [list(Plate.fields_for(p).values()) for p in new]
        added = sql.insert(
            Plate,
            PLATE_COLUMNS,
            rows,
            returning=["plate", "id"],
            on_conflict_ignore="plate",
        )
        known.update(dict(added))
        if len(added) < len(new):  # another writer added some first: read theirs
            raced = [p for p in new if p not in known]
            known.update(
                Plate.objects.filter(plate__in=raced).values_list("plate", "id")
            )
    return known


def store_images(item: Item) -> tuple[str, str]:
    # Written before the transaction: content-addressed, so an image whose read
    # then fails to commit is an unreferenced file, never a wrong one.
    plate = blobs.put(item.plate_image) if item.plate_image else ""
    overview = blobs.put(item.overview_image) if item.overview_image else ""
    return plate, overview


logger = logging.getLogger(__name__)

PLATE_COLUMNS = ["plate", "misread_key", "plate_reversed"]
READ_COLUMNS = [
    "plate",
    "plate_text",
    "state",
    "state_confidence",
    "confidence",
    "captured_at",
    "received_at",
    "latitude",
    "longitude",
    "heading",
    "camera",
    "vehicle_make",
    "vehicle_color",
    "vehicle_type",
    "source_format",
    "candidates",
    "plate_image",
    "overview_image",
    "vehicle_attributes",
    "details",
]
RECEIPT_COLUMNS = ["camera", "event_id", "read_id", "received_at"]
CANDIDATE_COLUMNS = ["read_id", "plate", "captured_at"]
# A camera's last-seen time is for its health display: writing it on every
# batch would cost a row update per request for no one's benefit.
LAST_SEEN_EVERY = timedelta(seconds=30)


def _or(value: float | None, fallback: float | None) -> float | None:
    return value if value is not None else fallback


def _read_row(
    spec: ReadSpec,
    camera: Camera,
    plate_id: int,
    images: tuple[str, str],
    source_format: str,
    received_at: datetime,
) -> list[object]:
    """A read's values in the order of READ_COLUMNS."""
    vehicle = spec.vehicle
    return [
        plate_id,
        spec.plate,
        spec.state.upper(),
        spec.state_confidence,
        spec.confidence,
        spec.captured_at,
        received_at,
        _or(spec.latitude, camera.latitude),
        _or(spec.longitude, camera.longitude),
        _or(spec.heading, camera.heading),
        camera.id,
        vehicle.make if vehicle else "",
        vehicle.color if vehicle else "",
        vehicle.type if vehicle else "",
        source_format,
        [c.model_dump() for c in spec.candidates],
        images[0],
        images[1],
        {k: [a.model_dump() for a in v] for k, v in spec.vehicle_attributes.items()},
        spec.details,
    ]


def insert_reads(
    camera: Camera,
    items: list[Item],
    source_format: str,
    images: dict[int, tuple[str, str]],
    received_at: datetime,
) -> list[int]:
    """Insert new reads and their receipts (inside the caller's transaction)."""
    others = {
        item.index: other_plates(
            (c.plate for c in item.spec.candidates), item.spec.normalized_plate
        )
        for item in items
    }
    ids = plate_ids(
        {item.spec.normalized_plate for item in items}.union(*others.values())
    )
    rows = [
        _read_row(
            item.spec,
            camera,
            ids[item.spec.normalized_plate],
            images[item.index],
            source_format,
            received_at,
        )
        for item in items
    ]
    read_ids = [
        r[0] for r in sql.insert(PlateRead, READ_COLUMNS, rows, returning=["id"])
    ]
    receipts = [
        [camera.id, item.spec.event_id, read_id, received_at]
        for item, read_id in zip(items, read_ids, strict=True)
    ]
    sql.insert(IngestReceipt, RECEIPT_COLUMNS, receipts)
    candidates = [
        [read_id, ids[text], item.spec.captured_at]
        for item, read_id in zip(items, read_ids, strict=True)
        for text in others[item.index]
    ]
    sql.insert(ReadCandidate, CANDIDATE_COLUMNS, candidates)
    return read_ids


def other_plates(candidates: Iterable[str], chosen: str) -> set[str]:
    """A read's OCR candidates as plates, without the plate it was read as
    (a candidate with nothing plate-like in it is left out)."""
    texts = {plates.normalize(c) for c in candidates} - {chosen}
    return {t for t in texts if 0 < len(t) <= plates.MAX_PLATE_LENGTH}


def note_seen(camera: Camera, now: datetime) -> None:
    if camera.last_seen_at is None or now - camera.last_seen_at > LAST_SEEN_EVERY:
        Camera.objects.filter(pk=camera.pk).update(last_seen_at=now)


def _store_once(
    camera: Camera,
    items: list[Item],
    source_format: str,
    images: dict[int, tuple[str, str]],
) -> list[ItemResult]:
    received_at = timezone.now()
    with transaction.atomic():
        seen = dict(
            IngestReceipt.objects.filter(
                camera=camera, event_id__in=[item.spec.event_id for item in items]
            ).values_list("event_id", "read_id")
        )
        results = [
            ItemResult(item.index, "duplicate", seen[item.spec.event_id])
            for item in items
            if item.spec.event_id in seen
        ]
        fresh = [item for item in items if item.spec.event_id not in seen]
        read_ids = insert_reads(camera, fresh, source_format, images, received_at)
        note_seen(camera, received_at)
    stored = zip(fresh, read_ids, strict=True)
    return results + [
        ItemResult(item.index, "stored", read_id, warnings=item.warnings)
        for item, read_id in stored
    ]


def store(
    camera: Camera,
    items: Sequence[Item],
    source_format: str,
    *,
    per_frame: bool = False,
) -> list[ItemResult]:
    """Store valid reads; return one result per item, in index order."""
    if per_frame:
        from platekeeper.reads.merging import store_per_frame

        try:
            merged = store_per_frame(camera, list(items), source_format)
        except IntegrityError:  # the same race as below: its receipts are there now
            merged = store_per_frame(camera, list(items), source_format)
        match_stored(camera, items, merged)
        return sorted(merged, key=lambda r: r.index)
    first: dict[str, int] = {}  # event id -> index of its first item in the batch
    unique: list[Item] = []
    repeats: list[tuple[int, int]] = []
    for item in items:
        if item.spec.event_id in first:
            repeats.append((item.index, first[item.spec.event_id]))
        else:
            first[item.spec.event_id] = item.index
            unique.append(item)
    if not unique:
        return []
    images = {item.index: store_images(item) for item in unique}
    try:
        results = _store_once(camera, unique, source_format, images)
    except IntegrityError:
        # Another request stored one of these events between our check and our
        # insert (PostgreSQL; SQLite serializes writers). Once more, now that
        # its receipts are visible: they come back as duplicates.
        results = _store_once(camera, unique, source_format, images)
    read_of = {r.index: r.read_id for r in results}
    results += [ItemResult(i, "duplicate", read_of[twin]) for i, twin in repeats]
    match_stored(camera, unique, results)
    return sorted(results, key=lambda r: r.index)


def match_stored(
    camera: Camera, items: Sequence[Item], results: list[ItemResult]
) -> None:
    """Check the reads just stored against the hot lists (after their commit).

    A failure here never loses the reads: they are stored, and the next index
    rebuild matches them again.
    """
    from platekeeper.hotlists.matching import Seen, match

    spec_of = {item.index: item.spec for item in items}
    seen = [
        Seen(
            r.read_id,
            camera.id,
            camera.agency_id,
            spec_of[r.index].normalized_plate,
            spec_of[r.index].confidence,
        )
        for r in results
        if r.status == "stored" and r.read_id is not None
    ]
    if seen:
        try:
            match(seen)
        except DatabaseError:
            logger.exception("hot-list matching failed for %d stored reads", len(seen))
