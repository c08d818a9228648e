"""The hot-list index agrees with matching every entry one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from platekeeper.lib import plates
from platekeeper.lib.matcher import EXACT, MISREAD, WILDCARD, Index, Row
from platekeeper.lib.plates import Pattern

SMALL = "7ABC1280SO"  # few characters, so random plates and patterns meet
plate_text = st.text(alphabet=SMALL, min_size=1, max_size=8)
pattern_text = st.text(alphabet=SMALL + "??*", min_size=1, max_size=8).filter(
    lambda p: p.strip("*?") != ""
)


def brute_force(rows: list[Row], plate: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for row in rows:
        if "?" in row.plate or "*" in row.plate:
            text = Pattern.parse(row.plate).text
            if Pattern(text).matches(plate):
                found[row.entry_id] = WILDCARD
        elif row.plate == plate:
            found[row.entry_id] = EXACT
        elif row.tolerant and plates.misread_key(row.plate) == plates.misread_key(
            plate
        ):
            found[row.entry_id] = MISREAD
    return found


@settings(max_examples=300)
@given(
    entries=st.lists(
        st.tuples(st.one_of(plate_text, pattern_text), st.booleans()), max_size=30
    ),
    read=plate_text,
)
def test_it_finds_what_checking_each_entry_finds(
    entries: list[tuple[str, bool]], read: str
) -> None:
    rows = [
        Row(i, Pattern.parse(text).text if ("?" in text or "*" in text) else text, tol)
        for i, (text, tol) in enumerate(entries)
    ]
    assert dict(Index.build(rows).match(read)) == brute_force(rows, read)


def test_it_matches_scattered_question_marks_and_stars() -> None:
    index = Index.build(
        [
            Row(1, "7ABC123"),
            Row(2, "7AB?12?"),
            Row(3, "7AB*"),
            Row(4, "*123"),
            Row(5, "8OB1234", tolerant=True),
            Row(6, "7A*C*3"),
        ]
    )
    assert dict(index.match("7ABC123")) == {
        1: EXACT,
        2: WILDCARD,
        3: WILDCARD,
        4: WILDCARD,
        6: WILDCARD,
    }
    assert dict(index.match("BOB1234")) == {5: MISREAD}
    assert dict(index.match("7AB")) == {3: WILDCARD}
    assert index.match("6XYZ999") == []
