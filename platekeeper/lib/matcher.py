"""The hot-list index: which entries a plate matches, without a regex per entry.

Exact entries are a dict from plate to entry ids; misread-tolerant lists add a
dict from misread key to entry ids. Wildcard entries are grouped by shape:
`7AB?12` is "length 6, fixed at positions 0,1,2,4,5", so a plate of length 6
is matched against every wildcard of that shape with one dict lookup of its
characters at those positions. A pattern with one `*` is "this many leading
and trailing characters", handled the same way on the plate's ends. The
number of shapes is small (positions of a few `?` in a short plate), so a
read costs a handful of lookups whatever the number of entries. Patterns with
two or more `*` are rare and are checked one by one.

Framework-free: ingest processes build it from rows and keep it in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from platekeeper.lib.plates import Pattern, misread_key

EXACT = "exact"
MISREAD = "misread"
WILDCARD = "wildcard"

# (length of the head, length of the tail, fixed positions in head+tail)
Shape = tuple[int, int, tuple[int, ...]]


@dataclass(frozen=True)
class Row:
    """What the index needs of an entry."""

    entry_id: int
    plate: str  # normalized plate, or a pattern with ? and *
    tolerant: bool = False  # the list tolerates OCR confusions


@dataclass
class Index:
    exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    misread: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    shapes: dict[Shape, dict[str, list[int]]] = field(default_factory=dict)
    loose: list[tuple[Pattern, int]] = field(default_factory=list)
    size: int = 0

    @classmethod
    def build(cls, rows: Iterable[Row]) -> Index:
        index = cls()
        for row in rows:
            index.add(row)
        # Plain dicts from here: a miss on a defaultdict would insert the key.
        index.exact = dict(index.exact)
        index.misread = dict(index.misread)
        return index

    def add(self, row: Row) -> None:
        self.size += 1
        if "?" not in row.plate and "*" not in row.plate:
            self.exact[row.plate].append(row.entry_id)
            if row.tolerant:
                self.misread[misread_key(row.plate)].append(row.entry_id)
            return
        shape = _shape(row.plate)
        if shape is None:
            self.loose.append((Pattern(row.plate), row.entry_id))
            return
        fixed = _fixed(row.plate.replace("*", ""), shape[2])
        self.shapes.setdefault(shape, {}).setdefault(fixed, []).append(row.entry_id)

    def match(self, plate: str) -> list[tuple[int, str]]:
        """(entry id, how) for every entry the plate matches; each entry once,
        by its strictest rule (exact before misread before wildcard)."""
        found: dict[int, str] = {}
        for entry_id in self.exact.get(plate, ()):
            found[entry_id] = EXACT
        if self.misread:
            for entry_id in self.misread.get(misread_key(plate), ()):
                found.setdefault(entry_id, MISREAD)
        n = len(plate)
        for (head, tail, positions), by_fixed in self.shapes.items():
            if tail < 0:  # no star: the whole plate, of exactly this length
                if n != head:
                    continue
                ends = plate
            else:
                if n < head + tail:
                    continue
                ends = plate[:head] + (plate[n - tail :] if tail else "")
            for entry_id in by_fixed.get(_fixed(ends, positions), ()):
                found.setdefault(entry_id, WILDCARD)
        for pattern, entry_id in self.loose:
            if pattern.matches(plate):
                found.setdefault(entry_id, WILDCARD)
        return list(found.items())


def _shape(pattern: str) -> Shape | None:
    """The shape of a wildcard pattern; None for two or more stars."""
    stars = pattern.count("*")
    if stars > 1:
        return None
    if stars == 0:
        return len(pattern), -1, _positions(pattern)
    head, tail = pattern.split("*")
    return len(head), len(tail), _positions(head + tail)


def _positions(chars: str) -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(chars) if c != "?")


def _fixed(chars: str, positions: tuple[int, ...]) -> str:
    return "".join(chars[i] for i in positions)
