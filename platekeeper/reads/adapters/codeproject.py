"""CodeProject.AI Server's ALPR module responses, as Blue Iris forwards them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from platekeeper.reads.adapters.common import (
    Parsed,
    RawRead,
    confidence,
    items,
    obj,
    timestamp,
)


def parse(payload: Any) -> Parsed:
    body = obj(payload, "a CodeProject.AI response")
    if body.get("success") is False:
        return Parsed(
            ignored=f"the recognizer reported an error: {body.get('error', '')}"[:200]
        )
    predictions = items(body.get("predictions", []), "predictions")
    # The module says when it answered, not when the frame was taken; Blue Iris
    # forwards at once, so that is the best capture time there is.
    when = (
        timestamp(body.get("timestampUTC"))
        if body.get("timestampUTC")
        else timezone.now()
    )
    request = body.get("requestId") or f"cpai-{when}"
    reads = []
    for i, prediction in enumerate(predictions):
        p = prediction if isinstance(prediction, dict) else {}
        box = {k: p[k] for k in ("x_min", "y_min", "x_max", "y_max") if k in p}
        reads.append(
            RawRead(
                {
                    "event_id": f"{request}-{i}",
                    "plate": p.get("plate"),
                    "confidence": confidence(p.get("confidence")),
                    "captured_at": when,
                    "details": {"plate_box": box} if box else {},
                }
            )
        )
    return Parsed(
        reads, per_frame=True, ignored="" if reads else "no plate in this image"
    )
