"""Search queries. Each starts from what the user may see (visible_to)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules
from platekeeper.reads.models import PlateRead, PlateReadQuerySet

PAGE = 200


def window_days(caps: frozenset[Capability], rules: Rules) -> int | None:
    """How many days back the user may search; None for no limit but retention."""
    return None if Capability.SEARCH_FULL in caps else rules.recent_search_days


def searchable_reads(
    user: Any, caps: frozenset[Capability], rules: Rules
) -> PlateReadQuerySet:
    """Reads the user may search: their agency's, within the user's window."""
    reads = PlateRead.objects.visible_to(user)
    days = window_days(caps, rules)
    if days is not None:
        reads = reads.filter(captured_at__gte=timezone.now() - timedelta(days=days))
    return reads


def exact_plate_query(reads: PlateReadQuerySet, plate: str) -> PlateReadQuerySet:
    """The newest reads of one plate, a page and one more (to know if there are more)."""
    return (
        reads.filter(plate__plate=plate)
        .select_related("camera")
        .order_by("-captured_at", "-id")[: PAGE + 1]
    )


def exact_plate(reads: PlateReadQuerySet, plate: str) -> tuple[list[PlateRead], bool]:
    """A page of the plate's newest reads and whether there are more."""
    rows = list(exact_plate_query(reads, plate))
    return rows[:PAGE], len(rows) > PAGE
