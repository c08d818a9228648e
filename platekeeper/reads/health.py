"""How each camera is doing: for the cameras page (aggregates, never plates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from platekeeper.reads.models import Camera, PlateRead

WINDOW = timedelta(hours=24)
LOW_CONFIDENCE = 0.7
DRIFT_SAMPLE = 200


@dataclass(frozen=True)
class Health:
    camera: Camera
    last_read_at: datetime | None
    last_contact_at: datetime | None
    reads_per_hour: float
    # Median of arrival minus capture over recent reads: a camera whose clock
    # is off shows here (positive: its clock is behind, or it is slow to send).
    clock_drift: timedelta | None
    low_confidence_share: float | None
    offline: bool
    # Alerts closed in the last 30 days, and how many were misreads or wrong states (R40).
    disposed_alerts: int = 0
    false_hits: int = 0

    @property
    def false_hit_share(self) -> float | None:
        return self.false_hits / self.disposed_alerts if self.disposed_alerts else None


def of(camera: Camera, now: datetime) -> Health:
    recent = PlateRead.objects.filter(camera=camera, captured_at__gte=now - WINDOW)
    counts = recent.aggregate(
        total=Count("id"), low=Count("id", filter=Q(confidence__lt=LOW_CONFIDENCE))
    )
    latest = list(
        PlateRead.objects.filter(camera=camera)
        .order_by("-captured_at")
        .values_list("captured_at", "received_at")[:DRIFT_SAMPLE]
    )
    contacts = [t for t in (camera.last_seen_at, camera.last_heartbeat_at) if t]
    last_contact = max(contacts) if contacts else None
    silent_for = now - last_contact if last_contact else None
    return Health(
        camera=camera,
        last_read_at=latest[0][0] if latest else None,
        last_contact_at=last_contact,
        reads_per_hour=counts["total"] / (WINDOW.total_seconds() / 3600),
        clock_drift=_median([r - c for c, r in latest]),
        low_confidence_share=counts["low"] / counts["total"]
        if counts["total"]
        else None,
        offline=silent_for is None
        or silent_for > timedelta(minutes=camera.offline_after_minutes),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
