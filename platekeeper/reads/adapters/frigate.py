"""Frigate NVR: `frigate/events` (with `recognized_license_plate`) and
`frigate/tracked_object_update` of type `lpr`. Both name the tracked object by
the same id, so every message about one car improves one read."""

from __future__ import annotations

from typing import Any

from platekeeper.reads.adapters.common import (
    Parsed,
    PayloadError,
    RawRead,
    confidence,
    number,
    obj,
    part,
    timestamp,
)


def parse(payload: Any) -> Parsed:
    body = obj(payload, "a Frigate message")
    if "after" in body:
        return _event(body)
    if "type" in body and "id" in body:
        return _tracked_object_update(body)
    raise PayloadError("neither a frigate/events nor a tracked_object_update message")


def camera_of(payload: Any) -> str:
    """The Frigate camera a message is about ('' when it names none)."""
    if not isinstance(payload, dict):
        return ""
    source = part(payload, "after") or payload
    return str(source.get("camera") or "")


def _event(body: dict[str, Any]) -> Parsed:
    after = obj(body.get("after"), "'after'")
    plate = after.get("recognized_license_plate")
    if plate in (None, ""):
        return Parsed(per_frame=True, ignored="no plate recognized on this object yet")
    keep = ("id", "camera", "label", "current_zones", "box")
    details: dict[str, Any] = {k: after[k] for k in keep if k in after}
    # Frigate sends no images over MQTT: its API serves the event's snapshot.
    details["image_ref"] = str(after.get("id"))
    if isinstance(after.get("sub_label"), list) and after["sub_label"]:
        details["known_plate_name"] = str(after["sub_label"][0])[:100]
    fields = {
        "event_id": str(after.get("id")),
        "plate": plate,
        "confidence": confidence(after.get("recognized_license_plate_score")),
        "captured_at": timestamp(after.get("frame_time") or after.get("start_time")),
        "details": details,
    }
    angle = number(after.get("velocity_angle"))
    if angle is not None:
        fields["heading"] = angle % 360
    return Parsed([RawRead(fields)], per_frame=True)


def _tracked_object_update(body: dict[str, Any]) -> Parsed:
    if body.get("type") != "lpr":
        return Parsed(per_frame=True, ignored=f"update of type {body.get('type')!r}")
    details: dict[str, Any] = {k: body[k] for k in ("camera", "plate_box") if k in body}
    details["image_ref"] = str(body.get("id"))
    if body.get("name"):
        details["known_plate_name"] = str(body["name"])[:100]
    return Parsed(
        [
            RawRead(
                {
                    "event_id": str(body.get("id")),
                    "plate": body.get("plate"),
                    "confidence": confidence(body.get("score")),
                    "captured_at": timestamp(body.get("timestamp")),
                    "details": details,
                }
            )
        ],
        per_frame=True,
    )
