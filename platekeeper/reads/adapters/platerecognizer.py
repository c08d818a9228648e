"""Plate Recognizer: Stream webhooks (result shapes 1 and 2, JSON or multipart
with the frame), Snapshot responses and Snapshot webhooks (`image.done`)."""

from __future__ import annotations

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
    obj,
    part,
    state_of,
    timestamp,
)


def parse(payload: Any, frame: bytes | None = None) -> Parsed:
    body = obj(payload, "a Plate Recognizer message")
    hook = part(body, "hook")
    data = obj(body.get("data"), "'data'") if "hook" in body else body
    results = items(data.get("results"), "results")
    # Stream sends one webhook per vehicle pass; Snapshot one per image, and a
    # camera uploading snapshots sends several of one car.
    per_frame = not hook or hook.get("event") == "image.done"
    when = timestamp(
        data.get("timestamp_camera") or data.get("timestamp"), naive_is_utc=True
    )
    source = (
        data.get("camera_id")
        or (hook or {}).get("id")
        or data.get("filename")
        or "snapshot"
    )
    reads = []
    for i, result in enumerate(results):
        read = _read(result if isinstance(result, dict) else {}, when)
        # Two vehicles in one frame can come in two webhooks: the plate keeps
        # their ids apart, the index keeps one webhook's results apart.
        read.fields["event_id"] = (
            f"{source}-{data.get('timestamp')}-{i}-{read.fields['plate']}"
        )
        read.fields["details"] |= {
            k: data[k]
            for k in ("camera_id", "filename")
            if isinstance(data.get(k), str)
        }
        if frame is not None:
            read.image("overview", frame)
        reads.append(read)
    return Parsed(reads, per_frame=per_frame)


def _read(result: dict[str, Any], when: Any) -> RawRead:
    if isinstance(result.get("plate"), dict):
        return _shape_2(result, when)
    vehicle = part(result, "vehicle")
    region = part(result, "region")
    attrs = {
        "make": attributes(result.get("model_make"), "make", "score"),
        "make_model": _models(result.get("model_make")),
        "color": attributes(result.get("color"), "color", "score"),
        "orientation": attributes(result.get("orientation"), "orientation", "score"),
    }
    fields = {
        "plate": result.get("plate"),
        "confidence": confidence(result.get("score")),
        "captured_at": when,
        "state": state_of(region.get("code")),
        "candidates": candidates(result.get("candidates"), score_key="score"),
        **_vehicle_fields(attrs, vehicle),
        "details": _details(result),
        **heading(result.get("direction")),
    }
    if fields["state"] and isinstance(region.get("score"), int | float):
        fields["state_confidence"] = confidence(region["score"])
    return RawRead(fields)


def _shape_2(result: dict[str, Any], when: Any) -> RawRead:
    plate = result["plate"]
    props = part(plate, "props")
    texts = attributes(props.get("plate"), "value", "score")
    regions = attributes(props.get("region"), "value", "score")
    vehicle = part(result, "vehicle")
    vprops = part(vehicle, "props")
    attrs = {
        "make": attributes(vprops.get("make_model"), "make", "score"),
        "make_model": _models(vprops.get("make_model")),
        "color": attributes(vprops.get("color"), "value", "score"),
        "orientation": attributes(vprops.get("orientation"), "value", "score"),
    }
    fields = {
        "plate": texts[0]["name"] if texts else None,
        "confidence": texts[0]["confidence"] if texts else None,
        "captured_at": when,
        "state": state_of(regions[0]["name"]) if regions else "",
        "candidates": [
            {"plate": t["name"], "confidence": t["confidence"]} for t in texts
        ],
        **_vehicle_fields(attrs, vehicle),
        "details": _details(result) | _details(plate),
        **heading(result.get("direction")),
    }
    if regions:
        fields["state_confidence"] = regions[0]["confidence"]
    return RawRead(fields)


def _vehicle_fields(
    attrs: dict[str, list[Any]], vehicle: dict[str, Any]
) -> dict[str, Any]:
    """The vehicle's best make, colour and type, and every attribute's candidates."""
    return {
        "vehicle_attributes": {k: v for k, v in attrs.items() if v},
        "vehicle": {
            "make": best(attrs["make"]),
            "color": best(attrs["color"]),
            "type": str(vehicle.get("type") or "")[:30],
        },
    }


def _models(values: Any) -> list[dict[str, Any]]:
    if not isinstance(values, list):
        return []
    joined = [
        {"model": f"{v.get('make')} {v.get('model')}", "score": v.get("score")}
        for v in values
        if isinstance(v, dict)
    ]
    return attributes(joined, "model", "score")


def _details(part: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(part.get("box"), dict):
        out["plate_box"] = part["box"]
    if isinstance(part.get("dscore"), int | float):
        out["detection_score"] = part["dscore"]
    for key in ("source_url", "position_sec", "speed"):
        if isinstance(part.get(key), str | int | float) and not isinstance(
            part[key], bool
        ):
            out[key] = part[key]
    return out


def check_multipart(fields: dict[str, Any]) -> str:
    if "json" not in fields:
        raise PayloadError(
            "a multipart webhook carries its JSON in the form field 'json'"
        )
    return str(fields["json"])
