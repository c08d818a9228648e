"""The hot-list index: which entries a plate matches, without a regex per entry.

Exact entries are a dict from plate to entry ids; misread-tolerant lists add a
dict from misread key to entry ids. A wildcard entry (`7AB?12`) is filed under
its length and its first two fixed positions (0 and 1 here), then under the
characters there ("7A"): a plate of that length looks up its own characters
at those positions and compares only the few entries found. A pattern with
one `*` is filed the same way on the plate's head and tail. The number of
position pairs is small, so a read costs a handful of lookups whatever the
number of entries (measured: docs/decisions/0009). Patterns with two or more
`*` are rare and are checked one by one.

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

# (length of the head, of the tail or -1 without a star, first two fixed positions)
Probe = tuple[int, int, int, int]
# (fixed positions, their characters, entry id)
Candidate = tuple[tuple[int, ...], str, int]


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
    # Plate length -> probes of wildcards without a star; probes of those with one.
    by_length: dict[int, dict[Probe, dict[str, list[Candidate]]]] = field(
        default_factory=dict
    )
    starred: dict[Probe, dict[str, list[Candidate]]] = field(default_factory=dict)
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
        text = row.plate
        if "?" not in text and "*" not in text:
            self.exact[text].append(row.entry_id)
            if row.tolerant:
                self.misread[misread_key(text)].append(row.entry_id)
            return
        stars = text.count("*")
        if stars > 1:
            self.loose.append((Pattern(text), row.entry_id))
            return
        if stars:
            head, tail = text.split("*")
            ends, shape = head + tail, (len(head), len(tail))
            table = self.starred
        else:
            ends, shape = text, (len(text), -1)
            table = self.by_length.setdefault(len(text), {})
        positions = tuple(i for i, c in enumerate(ends) if c != "?")
        p1 = positions[0]
        p2 = positions[1] if len(positions) > 1 else -1
        probe = (*shape, p1, p2)
        key = ends[p1] + (ends[p2] if p2 >= 0 else "")
        fixed = "".join(ends[i] for i in positions)
        table.setdefault(probe, {}).setdefault(key, []).append(
            (positions, fixed, row.entry_id)
        )

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
        probes = self.by_length.get(n)
        if probes:
            _probe(plate, probes, found)
        for (head, tail, p1, p2), by_key in self.starred.items():
            if n >= head + tail:
                ends = plate[:head] + (plate[n - tail :] if tail else "")
                _probe(ends, {(head, tail, p1, p2): by_key}, found)
        for pattern, entry_id in self.loose:
            if pattern.matches(plate):
                found.setdefault(entry_id, WILDCARD)
        return list(found.items())


def _probe(
    chars: str, probes: dict[Probe, dict[str, list[Candidate]]], found: dict[int, str]
) -> None:
    for (_, _, p1, p2), by_key in probes.items():
        candidates = by_key.get(chars[p1] + chars[p2] if p2 >= 0 else chars[p1])
        if candidates:
            for positions, fixed, entry_id in candidates:
                if "".join(chars[i] for i in positions) == fixed:
                    found.setdefault(entry_id, WILDCARD)
