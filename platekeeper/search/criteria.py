"""Plate criteria as probes of the distinct-plate table, never scans of reads.

- exact: the unique plate index;
- misread: the misread-key index (8/B, 0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G);
- one character off: every plate at edit distance 1 (a few hundred strings)
  as one IN probe of the unique index;
- partial: a pattern (`7AB*`, `?ABC12?`) probes its literal prefix as an index
  range, or its suffix on the reversed plate; a fragment (`*ABC*`) or a pattern
  with no literal end is a LIKE over the distinct plates (millions, not the
  hundreds of millions of reads), which on PostgreSQL a trigram index on
  lower(plate) serves; on PostgreSQL a pattern of known length (`?A??1?3`)
  probes the index of characters by place (docs/decisions/0010, 0019).
- any OCR candidate: the exact plate, or a read whose recognizer also offered
  it (the candidate table written at ingest, probed by plate).

Each returns a queryset of plate ids for `plate_id IN (subquery)`; an OCR
candidate search adds the candidates' read ids (`read_filter`).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from platekeeper.lib import plates
from platekeeper.lib.plates import Pattern
from platekeeper.reads.models import Plate, ReadCandidate

EXACT = "exact"
PARTIAL = "partial"
MISREAD = "misread"
ONE_OFF = "one_off"
CANDIDATE = "candidate"
MODES = {
    EXACT: "Exact plate",
    PARTIAL: "Partial plate (? one character, * any run)",
    MISREAD: "Misread-tolerant (8/B, 0/O, 1/I, …)",
    ONE_OFF: "One character off (changed, missing or extra)",
    CANDIDATE: "Exact plate or any OCR candidate of a read",
}
# More plate ids than this are passed to PostgreSQL as one array.
ARRAY_OVER = 100
# Up to this many reads offering the plate are passed as a list of ids.
OFFERED_LIST = 2000
# What a read found through one of its OCR candidates matched.
BY_CANDIDATE = "OCR candidate"
# Past the last character a plate can hold: the top of a prefix range.
TOP = "\U0010ffff"


def _prefix(column: str, prefix: str) -> dict[str, str]:
    return {f"{column}__gte": prefix, f"{column}__lt": prefix + TOP}


def plate_ids(text: str, mode: str) -> QuerySet[Plate, Any]:
    """The distinct plates the criterion matches (a subquery of ids)."""
    if mode == PARTIAL:
        return _pattern(Pattern.parse(text)).values("id")
    plate = plates.clean(text)
    if mode == MISREAD:
        found = Plate.objects.filter(misread_key=plates.misread_key(plate))
    elif mode == ONE_OFF:
        found = Plate.objects.filter(plate__in=sorted(plates.one_off(plate)))
    else:
        found = Plate.objects.filter(plate=plate)
    return found.values("id")


def read_filter(mode: str, plate_ids_: Any) -> Q:
    """Reads of the matched plates; for an OCR candidate search, also the reads
    that offered the plate as a candidate."""
    by_plate = Q(plate_id__in=as_array(plate_ids_))
    if mode != CANDIDATE:
        return by_plate
    offered = ReadCandidate.objects.filter(plate_id__in=plate_ids_)
    # As a list when few (a plate is offered by a handful of reads): PostgreSQL
    # turned "plate in (...) OR id in (subquery)" into a scan of every read
    # (177 ms on a million), and two index probes OR-ed together cost 2.
    read_ids = list(offered.values_list("read_id", flat=True)[: OFFERED_LIST + 1])
    if len(read_ids) > OFFERED_LIST:
        return by_plate | Q(id__in=offered.values("read_id"))
    return by_plate | Q(id__in=read_ids)


def as_array(plate_ids_: Any) -> Any:
    """Many plate ids, on PostgreSQL, as one array parameter. As an IN list of
    4,232 ids, each statement of a month-by-month search spent 10 ms planning
    (a selectivity estimate per id) and 20 ms more in Django quoting them,
    and its row estimate led the planner, under a small LIMIT, to walk the
    month's time index instead (1 s); unnested, planning takes 1 ms."""
    if connection.vendor != "postgresql" or not isinstance(plate_ids_, list):
        return plate_ids_
    if len(plate_ids_) <= ARRAY_OVER:
        return plate_ids_
    # Written out here: psycopg's own array dumping took 12 ms for 4,232 ids.
    array = "{" + ",".join(str(int(i)) for i in plate_ids_) + "}"
    return RawSQL("SELECT unnest(%s::bigint[])", [array])


def _pattern(pattern: Pattern) -> QuerySet[Plate]:
    like = Plate.objects.filter(plate__fragment=pattern.sql_like)
    if connection.vendor == "postgresql" and "*" not in pattern.text:
        # Known length: the positions index, whatever its literal ends.
        return like.filter(plate__positions=pattern.text)
    if pattern.prefix:
        return like.filter(**_prefix("plate", pattern.prefix))
    if pattern.suffix:
        return like.filter(**_prefix("plate_reversed", pattern.suffix[::-1]))
    return like


def rule_of(query: str, mode: str, plate: str) -> str:
    """Which rule a result matched, as the results table says it."""
    if mode != PARTIAL and plates.normalize(query) == plate:
        return MODES[EXACT]
    if mode == CANDIDATE:
        return BY_CANDIDATE
    return MODES[mode]
