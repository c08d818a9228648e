"""Storing reads: the one path every adapter, the API and the importer share.

A batch is stored in one short transaction: distinct plates are looked up (or
added) in bulk, already-received events are skipped, reads and their receipts
are inserted in bulk. Validation happens before, per item, so one bad item
never costs the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from platekeeper.reads import blobs, sql
from platekeeper.reads.models import Camera, IngestReceipt, Plate, PlateRead
from platekeeper.reads.specs import ReadSpec, decode_image


@dataclass
class ItemResult:
    index: int
    status: str  # "stored", "duplicate" or "rejected"
    read_id: int | None = None
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"index": self.index, "status": self.status}
        if self.read_id is not None:
            out["read_id"] = self.read_id
        if self.errors:
            out["errors"] = self.errors
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


def _store_images(spec: ReadSpec) -> tuple[str, str]:
    # Written before the transaction: content-addressed, so an image whose read
    # then fails to commit is an unreferenced file, never a wrong one.
    plate = blobs.put(decode_image(spec.plate_image)) if spec.plate_image else ""
    overview = (
        blobs.put(decode_image(spec.overview_image)) if spec.overview_image else ""
    )
    return plate, overview


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


def _store_once(
    camera: Camera,
    items: list[tuple[int, ReadSpec]],
    source_format: str,
    images: dict[int, tuple[str, str]],
) -> list[ItemResult]:
    received_at = timezone.now()
    with transaction.atomic():
        seen = dict(
            IngestReceipt.objects.filter(
                camera=camera, event_id__in=[s.event_id for _, s in items]
            ).values_list("event_id", "read_id")
        )
        results = [
            ItemResult(i, "duplicate", seen[s.event_id])
            for i, s in items
            if s.event_id in seen
        ]
        fresh = [(i, s) for i, s in items if s.event_id not in seen]
        ids = plate_ids({s.normalized_plate for _, s in fresh})
        rows = [
            _read_row(
                s,
                camera,
                ids[s.normalized_plate],
                images[i],
                source_format,
                received_at,
            )
            for i, s in fresh
        ]
        read_ids = [
            r[0] for r in sql.insert(PlateRead, READ_COLUMNS, rows, returning=["id"])
        ]
        receipts = [
            [camera.id, s.event_id, read_id, received_at]
            for (_, s), read_id in zip(fresh, read_ids, strict=True)
        ]
        sql.insert(IngestReceipt, RECEIPT_COLUMNS, receipts)
        if (
            camera.last_seen_at is None
            or received_at - camera.last_seen_at > LAST_SEEN_EVERY
        ):
            Camera.objects.filter(pk=camera.pk).update(last_seen_at=received_at)
    stored = zip(fresh, read_ids, strict=True)
    return results + [ItemResult(i, "stored", read_id) for (i, _), read_id in stored]


def store(
    camera: Camera, items: Sequence[tuple[int, ReadSpec]], source_format: str
) -> list[ItemResult]:
    """Store valid reads; return one result per item, in index order."""
    first: dict[str, int] = {}  # event id -> index of its first item in the batch
    unique: list[tuple[int, ReadSpec]] = []
    repeats: list[tuple[int, int]] = []
    for index, spec in items:
        if spec.event_id in first:
            repeats.append((index, first[spec.event_id]))
        else:
            first[spec.event_id] = index
            unique.append((index, spec))
    if not unique:
        return []
    images = {i: _store_images(s) for i, s in unique}
    try:
        results = _store_once(camera, unique, source_format, images)
    except IntegrityError:
        # Another request stored one of these events between our check and our
        # insert (PostgreSQL; SQLite serializes writers). Once more, now that
        # its receipts are visible: they come back as duplicates.
        results = _store_once(camera, unique, source_format, images)
    read_of = {r.index: r.read_id for r in results}
    results += [ItemResult(i, "duplicate", read_of[twin]) for i, twin in repeats]
    return sorted(results, key=lambda r: r.index)
