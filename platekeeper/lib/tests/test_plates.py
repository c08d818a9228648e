from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platekeeper.lib import plates
from platekeeper.lib.plates import Pattern, PlateError

plate_text = st.text(alphabet=plates.ALPHABET, min_size=1, max_size=8)
noisy_text = st.text(alphabet=plates.ALPHABET + "abcxyz -·.", min_size=0, max_size=14)


def levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def test_it_normalizes_separators_and_case() -> None:
    assert plates.normalize("7-abc 123") == "7ABC123"
    assert plates.clean(" ab·12 ") == "AB12"


def test_it_refuses_text_with_no_plate_in_it() -> None:
    with pytest.raises(PlateError):
        plates.clean(" - ")
    with pytest.raises(PlateError):
        plates.clean("A" * 11)


@given(noisy_text)
def test_it_normalizes_idempotently_to_letters_and_digits(text: str) -> None:
    once = plates.normalize(text)
    assert plates.normalize(once) == once
    assert re.fullmatch(r"[A-Z0-9]*", once)


@given(plate_text)
def test_it_gives_confusable_plates_one_misread_key(plate: str) -> None:
    confused = plate.replace("0", "O").replace("8", "B").replace("1", "I")
    assert plates.misread_key(confused) == plates.misread_key(plate)
    assert plates.misread_key(plates.misread_key(plate)) == plates.misread_key(plate)


def test_it_maps_the_documented_confusions() -> None:
    assert plates.misread_key("OQDILZSBG") == "000112586"


@given(plate_text)
def test_it_lists_exactly_the_plates_one_edit_away(plate: str) -> None:
    neighbours = plates.one_off(plate)
    assert plate not in neighbours
    assert all(levenshtein(plate, n) == 1 for n in neighbours)


@given(plate_text, plate_text)
def test_it_finds_every_one_edit_neighbour(a: str, b: str) -> None:
    if levenshtein(a, b) == 1 and len(b) <= plates.MAX_PLATE_LENGTH:
        assert b in plates.one_off(a)


def test_it_matches_partial_plate_patterns() -> None:
    assert Pattern.parse("7AB?12").matches("7ABC12")
    assert Pattern.parse("7AB*").matches("7ABC12")
    assert Pattern.parse("*C12").matches("7ABC12")
    assert not Pattern.parse("7AB?12").matches("7ABCC12")
    assert Pattern.parse("7ab*").prefix == "7AB"
    assert Pattern.parse("*c12").suffix == "C12"
    assert Pattern.parse("7A?*1").sql_like == "7A_%1"


@given(plate_text, st.integers(min_value=0, max_value=7))
def test_it_matches_a_plate_with_any_character_hidden(plate: str, i: int) -> None:
    i = min(i, len(plate) - 1)
    hidden = plate[:i] + "?" + plate[i + 1 :]
    if hidden.strip("?"):
        assert Pattern.parse(hidden).matches(plate)
    if i > 0:
        assert Pattern.parse(plate[:i] + "*").matches(plate)


def test_it_refuses_a_pattern_of_wildcards_only() -> None:
    with pytest.raises(PlateError):
        Pattern.parse("*?*")
