"""What a US plate looks like, for choosing and correcting what was read.

- Characters: A–Z and 0–9, 2 to 8 of them (the reader drops the rest).
- A character at either end read with less than EDGE_CONFIDENCE is a sticker,
  a bolt or the edge of a logo far more often than a character (measured on
  the 751 real plates: dropping them gained 1.5 points and lost none).
- O and 0 are one glyph on most plates (California, Texas, Florida, ...): the
  reading takes as few O as still fit a common issue format (NOX218 and
  444NOQ keep their O, which only a letter makes fit; WH0515 does not); a
  plate that fits none, a vanity plate, takes 0, the way DMV records and the
  NCIC file spell them (measured on the 751 real plates: +4.7 points). Hot-list
  matching does not depend on this: the misread key treats O and 0 alike.
- Candidates: the best reading and the readings with one runner-up
  character swapped in, ordered by probability times format score.
- The state: a state name or slogan read on the plate's other lines.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from platekeeper.recognition.reader import Char

EDGE_CONFIDENCE = 0.6
MIN_LENGTH, MAX_LENGTH = 2, 8
# Issue formats common across the states, most common first (L letter, D digit).
FORMATS = [
    re.compile(f"^{p}$")
    for p in (
        "D{3,8}",
        "L{3}D{3,4}",
        "D{3}L{3}",
        "DL{3}D{3}",
        "L{2}D{4,5}",
        "D{4}L{2}",
        "L{2}D{3}",
    )
]

STATES = {
    "AL": ["ALABAMA", "HEARTOFDIXIE", "SWEETHOMEALABAMA"],
    "AK": ["ALASKA", "NORTHTOTHEFUTURE"],
    "AZ": ["ARIZONA", "GRANDCANYONSTATE"],
    "AR": ["ARKANSAS", "THENATURALSTATE"],
    "CA": ["CALIFORNIA", "DMVCAGOV"],
    "CO": ["COLORADO"],
    "CT": ["CONNECTICUT", "CONSTITUTIONSTATE"],
    "DE": ["DELAWARE", "THEFIRSTSTATE"],
    "DC": ["DISTRICTOFCOLUMBIA", "TAXATIONWITHOUTREPRESENTATION", "WASHINGTONDC"],
    "FL": ["FLORIDA", "MYFLORIDACOM", "SUNSHINESTATE"],
    "GA": ["GEORGIA", "PEACHSTATE"],
    "HI": ["HAWAII", "ALOHASTATE"],
    "ID": ["IDAHO", "FAMOUSPOTATOES", "SCENICIDAHO"],
    "IL": ["ILLINOIS", "LANDOFLINCOLN"],
    "IN": ["INDIANA", "CROSSROADSOFAMERICA"],
    "IA": ["IOWA"],
    "KS": ["KANSAS"],
    "KY": ["KENTUCKY", "UNBRIDLEDSPIRIT"],
    "LA": ["LOUISIANA", "SPORTSMANSPARADISE"],
    "ME": ["MAINE", "VACATIONLAND"],
    "MD": ["MARYLAND"],
    "MA": ["MASSACHUSETTS", "THESPIRITOFAMERICA"],
    "MI": ["MICHIGAN", "PUREMICHIGAN", "GREATLAKESSTATE"],
    "MN": ["MINNESOTA", "10000LAKES"],
    "MS": ["MISSISSIPPI", "BIRTHPLACEOFAMERICASMUSIC"],
    "MO": ["MISSOURI", "SHOWMESTATE"],
    "MT": ["MONTANA", "BIGSKYCOUNTRY"],
    "NE": ["NEBRASKA"],
    "NV": ["NEVADA", "THESILVERSTATE", "HOMEMEANSNEVADA"],
    "NH": ["NEWHAMPSHIRE", "LIVEFREEORDIE"],
    "NJ": ["NEWJERSEY", "GARDENSTATE"],
    "NM": ["NEWMEXICO", "LANDOFENCHANTMENT"],
    "NY": ["NEWYORK", "EMPIRESTATE", "EXCELSIOR"],
    "NC": ["NORTHCAROLINA", "FIRSTINFLIGHT", "FIRSTINFREEDOM"],
    "ND": ["NORTHDAKOTA", "DISCOVERTHESPIRIT", "PEACEGARDENSTATE"],
    "OH": ["OHIO", "BIRTHPLACEOFAVIATION"],
    "OK": ["OKLAHOMA", "NATIVEAMERICA"],
    "OR": ["OREGON"],
    "PA": ["PENNSYLVANIA", "VISITPAUS", "KEYSTONESTATE"],
    "RI": ["RHODEISLAND", "OCEANSTATE"],
    "SC": ["SOUTHCAROLINA", "WHILEIBREATHEIHOPE"],
    "SD": ["SOUTHDAKOTA", "GREATFACESGREATPLACES"],
    "TN": ["TENNESSEE"],
    "TX": ["TEXAS", "THELONESTARSTATE"],
    "UT": ["UTAH", "LIFEELEVATED", "GREATESTSNOWONEARTH"],
    "VT": ["VERMONT", "GREENMOUNTAINSTATE"],
    "VA": ["VIRGINIA", "VIRGINIAISFORLOVERS"],
    "WA": ["WASHINGTON", "EVERGREENSTATE"],
    "WV": ["WESTVIRGINIA", "WILDWONDERFUL"],
    "WI": ["WISCONSIN", "AMERICASDAIRYLAND"],
    "WY": ["WYOMING"],
}
# A state text read this close to a known name names the state.
STATE_MATCH = 0.8


@dataclass(frozen=True)
class Reading:
    text: str
    confidence: float  # the least confident character's probability
    char_confidences: tuple[float, ...]
    candidates: tuple[tuple[str, float], ...]  # (plate, score), best first


def shape(text: str) -> str:
    return "".join("D" if c.isdigit() else "L" for c in text)


def format_rank(text: str) -> int | None:
    """Position of the first common format `text` fits, or None."""
    kind = shape(text)
    return next((n for n, f in enumerate(FORMATS) if f.match(kind)), None)


def format_score(text: str) -> float:
    """1 for the most common format, falling to 0.5 for a plate that fits
    none (vanity plates are legal plates, only rarer)."""
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        return 0.1
    rank = format_rank(text)
    return 0.5 if rank is None else 1.0 - 0.05 * rank


def _text(chars: Sequence[Char]) -> str:
    return "".join(c.text for c in chars)


def trim_edges(chars: Sequence[Char]) -> list[Char]:
    """Drop an unsure character at an end unless the plate fits a format
    better with it than without."""
    kept = list(chars)
    for end in (0, -1):
        if len(kept) > 4 and kept[end].confidence < EDGE_CONFIDENCE:
            shorter = kept[1:] if end == 0 else kept[:-1]
            if format_score(_text(shorter)) >= format_score(_text(kept)):
                kept = shorter
    return kept


def settle_o_and_zero(text: str) -> str:
    spots = [i for i, c in enumerate(text) if c in "O0"]
    if not spots or len(spots) > 6:
        return text.replace("O", "0")
    best: tuple[tuple[int, int], str] | None = None
    for choice in itertools.product("0O", repeat=len(spots)):
        letters = list(text)
        for i, c in zip(spots, choice, strict=True):
            letters[i] = c
        option = "".join(letters)
        rank = format_rank(option)
        if rank is not None:
            key = (choice.count("O"), rank)
            if best is None or key < best[0]:
                best = (key, option)
    return best[1] if best else text.replace("O", "0")


def reading(chars: Sequence[Char], limit: int = 5) -> Reading:
    kept = trim_edges(chars)
    text = settle_o_and_zero("".join(c.text for c in kept))
    confidences = tuple(round(c.confidence, 3) for c in kept)
    overall = min(confidences, default=0.0)
    scored = {text: overall * format_score(text)}
    for i, c in enumerate(kept):
        for other, p in c.alternatives:
            option = settle_o_and_zero(text[:i] + other + text[i + 1 :])
            if option != text:
                score = min(overall, p) * format_score(option)
                scored[option] = max(score, scored.get(option, 0.0))
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])[:limit]
    return Reading(
        text, round(overall, 3), confidences, tuple((t, round(s, 3)) for t, s in ranked)
    )


def guess_state(texts: Iterable[str]) -> tuple[str, float]:
    """The state whose name or slogan one of `texts` reads as, and how close."""
    best = ("", 0.0)
    for read in texts:
        if len(read) < 4:
            continue
        text = read.replace("0", "O")  # state names are words; 0 was an O
        for state, names in STATES.items():
            for name in names:
                ratio = SequenceMatcher(None, text, name.replace("0", "O")).ratio()
                if ratio > best[1]:
                    best = (state, ratio)
    return best if best[1] >= STATE_MATCH else ("", 0.0)


def is_state_text(text: str) -> bool:
    """A state's name or slogan read as if it were the registration."""
    return len(text) >= 5 and guess_state([text])[1] >= 0.9
