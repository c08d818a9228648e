"""The distinct plates a hot-list entry matches, as index probes where it can.

An exact entry is one probe of the unique plate index, a misread-tolerant one
a probe of the misread key; a pattern probes its literal prefix (or its
suffix, on the reversed plate) and checks the few plates found. Only a
pattern with neither scans the distinct plates, which are far fewer than reads.
"""

from __future__ import annotations

from django.db.models import QuerySet

from platekeeper.lib import plates
from platekeeper.lib.matcher import EXACT, MISREAD, WILDCARD
from platekeeper.lib.plates import Pattern
from platekeeper.reads.models import Plate


def matching_plates(text: str, is_pattern: bool, tolerant: bool) -> dict[int, str]:
    """Plate id -> how it matches (exact, misread, wildcard)."""
    if not is_pattern:
        found = {
            p: EXACT
            for p in Plate.objects.filter(plate=text).values_list("id", flat=True)
        }
        if tolerant:
            for plate_id in Plate.objects.filter(
                misread_key=plates.misread_key(text)
            ).values_list("id", flat=True):
                found.setdefault(plate_id, MISREAD)
        return found
    pattern = Pattern(text)
    candidates: QuerySet[Plate]
    if pattern.prefix:
        candidates = Plate.objects.filter(plate__startswith=pattern.prefix)
    elif pattern.suffix:
        candidates = Plate.objects.filter(
            plate_reversed__startswith=pattern.suffix[::-1]
        )
    else:
        candidates = Plate.objects.filter(plate__regex=pattern.regex.pattern)
    return {
        plate_id: WILDCARD
        for plate_id, plate in candidates.values_list("id", "plate").iterator()
        if pattern.matches(plate)
    }
