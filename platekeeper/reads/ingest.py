"""Storing reads: the one path every adapter, the API and the importer share.

A batch is stored in one short transaction: distinct plates are looked up (or
added) in bulk, already-received events are skipped, reads and their receipts
are inserted in bulk. Validation happens before, per item, so one bad item
never costs the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from platekeeper.reads import blobs
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
    new = texts - known.keys()
    if new:
        Plate.objects.bulk_create(
            [Plate(**Plate.fields_for(p)) for p in new], ignore_conflicts=True
        )
        known.update(Plate.objects.filter(plate__in=new).values_list("plate", "id"))
    return known


def _store_images(spec: ReadSpec) -> tuple[str, str]:
    # Written before the transaction: content-addressed, so an image whose read
    # then fails to commit is an unreferenced file, never a wrong one.
    plate = blobs.put(decode_image(spec.plate_image)) if spec.plate_image else ""
    overview = (
        blobs.put(decode_image(spec.overview_image)) if spec.overview_image else ""
    )
    return plate, overview


def _read_row(
    spec: ReadSpec,
    camera: Camera,
    plate_id: int,
    images: tuple[str, str],
    source_format: str,
    received_at: datetime,
) -> PlateRead:
    vehicle = spec.vehicle
    return PlateRead(
        plate_id=plate_id,
        plate_text=spec.plate,
        state=spec.state.upper(),
        state_confidence=spec.state_confidence,
        confidence=spec.confidence,
        captured_at=spec.captured_at,
        received_at=received_at,
        latitude=spec.latitude if spec.latitude is not None else camera.latitude,
        longitude=spec.longitude if spec.longitude is not None else camera.longitude,
        heading=spec.heading if spec.heading is not None else camera.heading,
        camera_id=camera.id,
        vehicle_make=vehicle.make if vehicle else "",
        vehicle_color=vehicle.color if vehicle else "",
        vehicle_type=vehicle.type if vehicle else "",
        source_format=source_format,
        candidates=[c.model_dump() for c in spec.candidates],
        plate_image=images[0],
        overview_image=images[1],
    )


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
        reads = PlateRead.objects.bulk_create(
            [
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
        )
        IngestReceipt.objects.bulk_create(
            [
                IngestReceipt(
                    camera=camera,
                    event_id=s.event_id,
                    read_id=r.id,
                    received_at=received_at,
                )
                for (_, s), r in zip(fresh, reads, strict=True)
            ]
        )
        Camera.objects.filter(pk=camera.pk).update(last_seen_at=received_at)
    return results + [
        ItemResult(i, "stored", r.id) for (i, _), r in zip(fresh, reads, strict=True)
    ]


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
