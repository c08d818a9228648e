"""Search queries. Each starts from what the user may see (visible_to).

Results come newest first in pages of `PAGE`, continued by a cursor (the last
row's capture time and id: keyset pagination, so page 50 costs what page 1
does). Counts stop at `COUNT_CAP` ("10,000+"). Areas are a box in SQL, then
the exact circle (an equirectangular distance, exact enough within a city)
or polygon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Q
from django.utils import timezone

from platekeeper.lib import geo
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import DataClass, Rules
from platekeeper.reads import partitions
from platekeeper.reads.models import PlateRead, PlateReadQuerySet
from platekeeper.search import counts, criteria, limits

# Fifty rows a page: rendering two hundred cost more than a partial-plate query.
PAGE = 50
COUNT_CAP = 10_000
# Up to this many matching plates are passed as a list of ids.
MATERIALIZE = 20_000
HEADINGS = {"N": (315, 45), "E": (45, 135), "S": (135, 225), "W": (225, 315)}


def window_days(caps: frozenset[Capability], rules: Rules) -> int | None:
    """How many days back the user may search; None for no limit but retention."""
    return None if Capability.SEARCH_FULL in caps else rules.recent_search_days


def searchable_reads(
    user: Any,
    caps: frozenset[Capability],
    rules: Rules,
    agencies: list[int] | None = None,
) -> PlateReadQuerySet:
    """Reads the user may search: their agency's, within the user's window
    (`agencies`: as PlateReadQuerySet.visible_to)."""
    reads = PlateRead.objects.visible_to(user, agencies)
    days = window_days(caps, rules)
    if days is not None:
        reads = reads.filter(captured_at__gte=timezone.now() - timedelta(days=days))
    return reads


def without_reason(
    reads: PlateReadQuerySet, rules: Rules, justification: str
) -> tuple[PlateReadQuerySet, bool]:
    """Where the Policy restricts older reads (Colorado: after a year), keep them
    out of a search that gives no reason; say whether any were kept out."""
    after = rules.retention[DataClass.READS].restricted_after
    if after is None or justification.strip():
        return reads, False
    return reads.filter(captured_at__gte=timezone.now() - after), True


def filtered(
    reads: PlateReadQuerySet,
    data: dict[str, Any],
    materialize: bool = True,
    plates_: Any = None,
) -> PlateReadQuerySet:
    """Every criterion of a cleaned search form, as SQL (`materialize`: plate ids
    read first when few; off, one statement with a subquery; `plates_`: the
    plate ids `plates_of` already read)."""
    if data.get("plate"):
        if plates_ is None:
            plates_ = (
                plates_of(data)
                if materialize
                else criteria.plate_ids(data["plate"], data["match"])
            )
        reads = reads.filter(criteria.read_filter(data["match"], plates_))
    if data.get("start"):
        reads = reads.filter(captured_at__gte=data["start"])
    if data.get("end"):
        reads = reads.filter(captured_at__lte=data["end"])
    if data.get("cameras"):
        reads = reads.filter(camera_id__in=[int(c) for c in data["cameras"]])
    if data.get("state"):
        reads = reads.filter(state=data["state"].upper())
    if data.get("min_confidence") is not None:
        reads = reads.filter(confidence__gte=data["min_confidence"])
    for field, column in (
        ("make", "vehicle_make"),
        ("color", "vehicle_color"),
        ("vehicle_type", "vehicle_type"),
    ):
        if data.get(field):
            reads = reads.filter(**{f"{column}__iexact": data[field]})
    if data.get("direction"):
        low, high = HEADINGS[data["direction"]]
        if low > high:  # northbound wraps around 0
            reads = reads.filter(Q(heading__gte=low) | Q(heading__lt=high))
        else:
            reads = reads.filter(heading__gte=low, heading__lt=high)
    return in_area(reads, data.get("area"))


def plates_of(data: dict[str, Any]) -> Any:
    """The plate ids the search's plate criterion matches: a list when few (the
    plate scan of a partial plate then runs once, not again for the count),
    else a subquery; None without a plate criterion."""
    if not data.get("plate"):
        return None
    found = criteria.plate_ids(data["plate"], data["match"])
    ids = list(found.values_list("id", flat=True)[: MATERIALIZE + 1])
    return ids if len(ids) <= MATERIALIZE else found


def in_area(reads: PlateReadQuerySet, area: dict[str, Any] | None) -> PlateReadQuerySet:
    if not area:
        return reads
    if "polygon" in area:
        box = geo.box_of(area["polygon"])
    else:
        box = geo.box_around(area["center"], area["radius_m"])
    reads = reads.filter(
        latitude__gte=box.south,
        latitude__lte=box.north,
        longitude__gte=box.west,
        longitude__lte=box.east,
    )
    if "center" in area:
        lat, lon = area["center"]
        scale = math.cos(math.radians(lat))
        limit = math.degrees(area["radius_m"] / geo.EARTH_M) ** 2
        north = F("latitude") - lat
        east = (F("longitude") - lon) * scale
        reads = reads.alias(
            off=ExpressionWrapper(
                north * north + east * east, output_field=FloatField()
            )
        ).filter(off__lte=limit)
    return reads


def _in_polygon(read: PlateRead, area: dict[str, Any] | None) -> bool:
    if not area or "polygon" not in area:
        return True
    if read.latitude is None or read.longitude is None:
        return False
    return geo.inside((read.latitude, read.longitude), area["polygon"])


@dataclass
class Page:
    reads: list[PlateRead]
    more: bool
    cursor: str  # continues after the last read shown
    # How many match, up to COUNT_CAP + 1, when the page's own query could tell.
    total: int | None = None

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.reads]


def cursor_of(read: PlateRead) -> str:
    return f"{read.captured_at.isoformat()}|{read.id}"


def after_cursor(reads: PlateReadQuerySet, cursor: str) -> PlateReadQuerySet:
    try:
        when, _, pk = cursor.partition("|")
        at, read_id = datetime.fromisoformat(when), int(pk)
    except ValueError:
        return reads
    return reads.filter(Q(captured_at__lt=at) | Q(captured_at=at, id__lt=read_id))


def page(
    reads: PlateReadQuerySet,
    data: dict[str, Any],
    size: int,
    scope: counts.Scope | None = None,
) -> Page:
    """The next page of results, newest first (a partial plate's count from
    the month counts within `scope`)."""
    ordered = reads.order_by("-captured_at", "-id")
    if data.get("after"):
        ordered = after_cursor(ordered, data["after"])
    area = data.get("area")
    if not area or "polygon" not in area:
        first = not data.get("after")
        if not data.get("plate"):
            return _page_by_ids(ordered, size, first)
        if data.get("match") == criteria.PARTIAL:
            return _page_by_ids(ordered, size, first, broad=True, scope=scope)
        return _page_of_rows(ordered, size, first)
    found: list[PlateRead] = []
    ordered = ordered.select_related("camera", "plate")
    for read in ordered.iterator(chunk_size=size + 1):
        if _in_polygon(read, data.get("area")):
            found.append(read)
            if len(found) > size:
                break
    shown = found[:size]
    return Page(shown, len(found) > size, cursor_of(shown[-1]) if shown else "")


def _page_of_rows(ordered: PlateReadQuerySet, size: int, first: bool) -> Page:
    """A page of a few plates' reads (exact, misread, one-off, candidate), whole
    rows in one statement. The plate index holds no read id, so the ids pass
    read each matching row from the table anyway; a second statement for the
    rows cost 3-5 ms of a 40 ms search. The count takes a second pass only
    when there is more than a page (a plate read hundreds of times)."""
    found = list(ordered.select_related("camera", "plate")[: size + 1])
    shown = found[:size]
    more = len(found) > size
    cursor = cursor_of(shown[-1]) if shown else ""
    return Page(shown, more, cursor, len(found) if first and not more else None)


def _page_by_ids(
    ordered: PlateReadQuerySet,
    size: int,
    count: bool,
    broad: bool = False,
    scope: counts.Scope | None = None,
) -> Page:
    """The page's ids first, from the index alone, then only those rows: sorting
    whole rows read every matching row from the table. With `count`, the ids go
    on to COUNT_CAP + 1, so the same pass gives the capped count. A `broad`
    criterion (thousands of plates) is read a month at a time, newest first."""
    limit = max(size, COUNT_CAP) + 1 if count else size + 1
    if broad:
        found, total = _newest_months_first(ordered, size, limit, scope)
    else:
        found = list(ordered.values_list("id", "captured_at")[:limit])
        total = len(found)
    by_id = {r.id: r for r in rows_of(found[:size])}
    shown = [by_id[i] for i, _ in found[:size]]
    cursor = cursor_of(shown[-1]) if shown else ""
    return Page(shown, total > size, cursor, total if count else None)


def _newest_months_first(
    ordered: PlateReadQuerySet, size: int, limit: int, scope: counts.Scope | None
) -> tuple[list[tuple[int, datetime]], int]:
    """The page's (id, capture time) pairs and how many match up to `limit`,
    one partition's stretch of time after another, stopping when there are
    enough. One statement over every month sorted each month's matches in
    full: a pattern matching 4,232 plates on 100,000,000 reads probed 14
    months for every plate (690 ms) to keep the newest 10,001, which the
    newest four months held. Past the page only a count is asked for (10,000
    capture times read into Python cost 130 ms), in one statement over the
    page's stretch and every older one: it probes what a count a month
    probes, without a statement a month (on 10,000,000 reads, `?A??0?0`
    counted to the cap in 30 ms, against 48 ms month by month). Within a
    `scope`, months already counted are added up instead (3 ms)."""
    found: list[tuple[int, datetime]] = []
    total = 0
    for start, end in partitions.stretches():
        part = ordered
        if start is not None:
            part = part.filter(captured_at__gte=start)
        if end is not None:
            part = part.filter(captured_at__lt=end)
        wanted = size + 1 - len(found)
        pairs = list(part.values_list("id", "captured_at")[:wanted])
        found += pairs
        if len(pairs) == wanted:
            # The page is full. Every newer stretch was read to its end, so
            # counted; the rest is this stretch and all before it.
            if limit <= size + 1:  # no count asked for: there is more
                return found, limit
            total += counts.count(ordered, end, limit - total, scope)
            break
        total += len(pairs)  # the stretch is done: counted too
        limits.check()
    return found, min(total, limit)


def rows_of(found: list[tuple[int, datetime]]) -> list[PlateRead]:
    """The rows of these (id, capture time) pairs. On PostgreSQL reads are
    partitioned by month, and an id alone names no partition: fetched by id,
    a page was planned for every month (12 ms of a 20 ms search on 10,000,000
    reads). With the capture times too, only the months the page shows are
    planned and probed (and no row is wrongly kept: an id is one read's, and
    that read's time is in the list)."""
    if not found:
        return []
    rows = PlateRead.objects.select_related("camera", "plate")
    ids = [i for i, _ in found]
    if connection.vendor != "postgresql":
        return list(rows.filter(id__in=ids))
    return list(rows.filter(id__in=ids, captured_at__in=[at for _, at in found]))


def capped(n: int) -> str:
    """A count as shown: "10,000+" past the cap."""
    return f"{COUNT_CAP:,}+" if n > COUNT_CAP else f"{n:,}"


def capped_count(reads: PlateReadQuerySet, area: dict[str, Any] | None = None) -> str:
    """How many results, up to COUNT_CAP ("10,000+")."""
    if area and "polygon" in area:
        n = 0
        rows = reads.order_by().values_list("latitude", "longitude").iterator()
        for lat, lon in rows:
            if lat is not None and lon is not None:
                n += geo.inside((lat, lon), area["polygon"])
            if n > COUNT_CAP:
                break
    else:
        n = reads.order_by()[: COUNT_CAP + 1].count()
    return capped(n)
