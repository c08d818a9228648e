"""OpenALPR / Rekor Scout agent: `alpr_group` (v1-v3), per-frame `alpr_results`
(agent and open-source alprd), `heartbeat`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from platekeeper.reads.adapters.common import (
    Parsed,
    PayloadError,
    RawRead,
    attributes,
    best,
    candidates,
    confidence,
    heading,
    items,
    location,
    obj,
    part,
    state_of,
    timestamp,
)

# Heartbeat fields worth showing on the cameras page.
HEALTH_FIELDS = (
    "agent_version",
    "agent_hostname",
    "cpu_usage_percent",
    "license_valid",
    "disk_drive_free_bytes",
    "disk_drive_total_bytes",
    "daemon_uptime_seconds",
    "recording_enabled",
    "processing_threads_active",
)
VEHICLE_TYPE = "body_type"
PERCENT = 100.0  # every OpenALPR score is 0-100


def parse(payload: Any) -> Parsed:
    body = obj(payload, "an OpenALPR message")
    kind = body.get("data_type")
    if kind == "alpr_group":
        return Parsed([group(body)])
    if kind == "alpr_results" or (kind is None and "results" in body):
        return Parsed([r for r in results(body)], per_frame=True)
    if kind == "heartbeat":
        return Parsed(heartbeat=heartbeat(body))
    if isinstance(kind, str) and kind:
        return Parsed(ignored=f"data_type {kind!r} carries no plate read to keep")
    raise PayloadError("no data_type: not an OpenALPR agent message")


def _vehicle(body: dict[str, Any]) -> dict[str, Any]:
    vehicle = body.get("vehicle")
    if not isinstance(vehicle, dict):
        return {}
    attrs = {
        k: attributes(v, "name", scale=PERCENT)
        for k, v in vehicle.items()
        if isinstance(v, list)
    }
    attrs = {k: v for k, v in attrs.items() if v}
    return {
        "vehicle": {
            "make": best(attrs.get("make", [])),
            "color": best(attrs.get("color", [])),
            "type": best(attrs.get(VEHICLE_TYPE, [])),
        },
        "vehicle_attributes": attrs,
    }


def group(body: dict[str, Any]) -> RawRead:
    best_plate = part(body, "best_plate")
    region = body.get("best_region", best_plate.get("region"))
    region_confidence = body.get(
        "best_region_confidence", best_plate.get("region_confidence")
    )
    fields: dict[str, Any] = {
        "event_id": str(
            body.get("best_uuid")
            or f"group-{body.get('camera_id')}-{body.get('epoch_start')}"
        ),
        "plate": body.get("best_plate_number"),
        "confidence": confidence(body.get("best_confidence"), PERCENT),
        "captured_at": timestamp(
            body.get("best_uuid_epoch_ms", body.get("epoch_start"))
        ),
        "state": state_of(region),
        "candidates": candidates(
            body.get("candidates") or best_plate.get("candidates"), scale=PERCENT
        ),
        "details": _details(body, best_plate),
        **location(body.get("gps_latitude"), body.get("gps_longitude")),
        **heading(body.get("travel_direction")),
        **_vehicle(body),
    }
    if state_of(region) and isinstance(region_confidence, int | float):
        fields["state_confidence"] = confidence(region_confidence, PERCENT)
    read = RawRead(fields)
    read.image("plate", best_plate.get("plate_crop_jpeg"))
    read.image("overview", body.get("overview_jpeg") or body.get("vehicle_crop_jpeg"))
    return read


def _details(body: dict[str, Any], plate: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "version",
        "camera_id",
        "agent_uid",
        "site_id",
        "epoch_start",
        "epoch_end",
        "frame_start",
        "frame_end",
        "is_parked",
        "country",
        "best_uuid",
    )
    out = {
        k: body[k] for k in keep if k in body and not isinstance(body[k], dict | list)
    }
    if isinstance(body.get("uuids"), list):
        out["frames"] = len(body["uuids"])
    if isinstance(plate.get("coordinates"), list):
        out["plate_corners"] = plate["coordinates"][:4]
    if isinstance(body.get("best_uuid"), str):
        out["image_ref"] = body["best_uuid"]  # the agent serves /img/<uuid>.jpg
    return out


def results(body: dict[str, Any]) -> list[RawRead]:
    frame_time = body.get("epoch_time")
    out = []
    for i, result in enumerate(items(body.get("results"), "results")):
        if not isinstance(result, dict):
            result = {}
        index = result.get("plate_index", i)
        fields: dict[str, Any] = {
            "event_id": f"{body.get('uuid', 'frame')}-{index}",
            "plate": result.get("plate"),
            "confidence": confidence(result.get("confidence"), PERCENT),
            "captured_at": timestamp(result.get("epoch_time", frame_time)),
            "state": state_of(result.get("region")),
            "candidates": candidates(result.get("candidates"), scale=PERCENT),
            "details": {
                k: body[k]
                for k in ("uuid", "camera_id", "site_id", "agent_uid")
                if isinstance(body.get(k), str | int)
            }
            | (
                {"plate_corners": result["coordinates"][:4]}
                if isinstance(result.get("coordinates"), list)
                else {}
            ),
        }
        if fields["state"] and isinstance(result.get("region_confidence"), int | float):
            fields["state_confidence"] = confidence(
                result["region_confidence"], PERCENT
            )
        read = RawRead(fields)
        read.image("plate", result.get("plate_crop_jpeg"))
        out.append(read)
    return out


def _plain(value: Any) -> Any:
    """A health value kept only if plain: numbers, booleans, short text without NUL
    (health is stored as it comes, without a read's validation)."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and "\x00" not in value:
        return value[:200]
    return None


def heartbeat(body: dict[str, Any]) -> dict[str, Any]:
    health = {k: _plain(body[k]) for k in HEALTH_FIELDS if k in body}
    streams = body.get("video_streams")
    if isinstance(streams, list):
        health["streams"] = [
            {
                k: _plain(s.get(k))
                for k in ("camera_id", "camera_name", "is_streaming", "fps")
            }
            for s in streams[:16]
            if isinstance(s, dict)
        ]
    reported = timestamp(body.get("timestamp"))
    health["reported_at"] = (
        reported.isoformat() if isinstance(reported, datetime) else None
    )
    return health
