"""The distinct plates a hot-list entry matches: the search's own plate probes
(`search.criteria`), labelled as the matcher labels its hits."""

from __future__ import annotations

from platekeeper.lib.matcher import EXACT, MISREAD, WILDCARD
from platekeeper.search import criteria


def matching_plates(text: str, is_pattern: bool, tolerant: bool) -> dict[int, str]:
    """Plate id -> how it matches (exact, misread, wildcard)."""
    if is_pattern:
        ids = criteria.plate_ids(text, criteria.PARTIAL).values_list("id", flat=True)
        return dict.fromkeys(ids, WILDCARD)
    found = dict.fromkeys(
        criteria.plate_ids(text, criteria.EXACT).values_list("id", flat=True), EXACT
    )
    if tolerant:
        for plate_id in criteria.plate_ids(text, criteria.MISREAD).values_list(
            "id", flat=True
        ):
            found.setdefault(plate_id, MISREAD)
    return found
