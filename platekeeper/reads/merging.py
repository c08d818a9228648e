"""Per-frame formats: many messages for one passing vehicle become one read.

A message whose event was seen before, or whose plate (by misread key) the
same camera read within the dedup window, improves that read instead of
adding one: the best confidence wins, with its text, candidates and images.
Each message still gets its receipt, so a re-sent message changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from platekeeper.lib import plates
from platekeeper.reads import sql
from platekeeper.reads.ingest import (
    CANDIDATE_COLUMNS,
    RECEIPT_COLUMNS,
    Item,
    ItemResult,
    insert_reads,
    note_seen,
    other_plates,
    plate_ids,
    store_images,
)
from platekeeper.reads.models import Camera, IngestReceipt, PlateRead, ReadCandidate


def window() -> timedelta:
    return timedelta(seconds=settings.INGEST_DEDUP_SECONDS)


def store_per_frame(
    camera: Camera, items: list[Item], source_format: str
) -> list[ItemResult]:
    now = timezone.now()
    images = {item.index: store_images(item) for item in items}
    with transaction.atomic():
        results = [_one(camera, item, source_format, images, now) for item in items]
        note_seen(camera, now)
    return results


def _one(
    camera: Camera,
    item: Item,
    source_format: str,
    images: dict[int, tuple[str, str]],
    now: datetime,
) -> ItemResult:
    spec = item.spec
    receipt = (
        IngestReceipt.objects.filter(camera=camera, event_id=spec.event_id)
        .values_list("read_id", flat=True)
        .first()
    )
    target = receipt if receipt is not None else _same_vehicle(camera, item)
    if target is None:
        [read_id] = insert_reads(camera, [item], source_format, images, now)
        return ItemResult(item.index, "stored", read_id, warnings=item.warnings)
    improved = _improve(target, item, images[item.index])
    if receipt is None:
        sql.insert(
            IngestReceipt, RECEIPT_COLUMNS, [[camera.id, spec.event_id, target, now]]
        )
    status = "merged" if improved else "duplicate"
    return ItemResult(item.index, status, target, warnings=item.warnings)


def _same_vehicle(camera: Camera, item: Item) -> int | None:
    """The read this camera made of the same plate (misread key) within the window."""
    spec = item.spec
    key = plates.misread_key(spec.normalized_plate)
    return (
        PlateRead.objects.filter(
            camera=camera,
            plate__misread_key=key,
            captured_at__gte=spec.captured_at - window(),
            captured_at__lte=spec.captured_at + window(),
        )
        .order_by("-confidence")
        .values_list("id", flat=True)
        .first()
    )


def _improve(read_id: int, item: Item, images: tuple[str, str]) -> bool:
    """Make the read the best of what was seen; return whether it changed."""
    row = (
        PlateRead.objects.filter(pk=read_id)
        .values(
            "plate_text",
            "confidence",
            "candidates",
            "plate_image",
            "overview_image",
            "state",
            "captured_at",
        )
        .first()
    )
    if row is None:  # purged since its receipt was written
        return False
    read: dict[str, Any] = dict(row)
    spec = item.spec
    changes: dict[str, object] = {}
    if spec.confidence > read["confidence"]:
        text = spec.normalized_plate
        changes |= {
            "plate_id": plate_ids({text})[text],
            "plate_text": spec.plate,
            "confidence": spec.confidence,
        }
        # The reading it replaces stays findable as one of its candidates.
        before = {"plate": read["plate_text"], "confidence": read["confidence"]}
        changes["candidates"] = _merged_candidates([*read["candidates"], before], item)
        changes |= {
            k: v
            for k, v in zip(("plate_image", "overview_image"), images, strict=True)
            if v
        }
    else:  # keep the better read, but fill what it lacks
        changes |= {
            k: v
            for k, v in zip(("plate_image", "overview_image"), images, strict=True)
            if v and not read[k]
        }
    if spec.state and not read["state"]:
        changes |= {
            "state": spec.state.upper(),
            "state_confidence": spec.state_confidence,
        }
    if changes:
        PlateRead.objects.filter(pk=read_id).update(**changes)
    if "candidates" in changes:
        _index_candidates(read_id, spec.normalized_plate, changes, read["captured_at"])
    return bool(changes)


def _index_candidates(
    read_id: int, plate: str, changes: dict[str, Any], captured_at: datetime
) -> None:
    """The read's candidate rows, rewritten for its new plate and candidates."""
    texts = other_plates((str(c["plate"]) for c in changes["candidates"]), plate)
    ids = plate_ids(texts)
    ReadCandidate.objects.filter(read_id=read_id).delete()
    sql.insert(
        ReadCandidate,
        CANDIDATE_COLUMNS,
        [[read_id, ids[t], captured_at] for t in sorted(texts)],
    )


def _merged_candidates(
    old: list[dict[str, object]], item: Item
) -> list[dict[str, object]]:
    best: dict[str, float] = {}
    for c in [
        *old,
        *(c.model_dump() for c in item.spec.candidates),
        {"plate": item.spec.plate, "confidence": item.spec.confidence},
    ]:
        plate, score = str(c["plate"]), float(c["confidence"])  # type: ignore[arg-type]
        best[plate] = max(score, best.get(plate, 0.0))
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)[:20]
    return [{"plate": p, "confidence": s} for p, s in ranked]
