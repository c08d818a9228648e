"""Plate text: normalization, the misread key, wildcard patterns, one-off neighbours.

Framework-free so that ingest, hot-list matching and search agree on one meaning
of "the same plate".
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cached_property

ALPHABET = string.ascii_uppercase + string.digits
MAX_PLATE_LENGTH = 10

# Characters an OCR engine confuses on plates map to one representative, so
# "8OB1234" and "BOB1234" share a key. Order matters only for documentation.
_MISREAD = str.maketrans(
    {
        "O": "0",
        "Q": "0",
        "D": "0",
        "I": "1",
        "L": "1",
        "Z": "2",
        "S": "5",
        "B": "8",
        "G": "6",
    }
)
_NOT_PLATE = re.compile(r"[^A-Z0-9]")
_NOT_PATTERN = re.compile(r"[^A-Z0-9?*]")


class PlateError(ValueError):
    """The text cannot be a plate or a plate pattern."""


def normalize(text: str) -> str:
    """Return the plate as stored: upper case, letters and digits only ("7-abc 123" -> "7ABC123")."""
    if text.isascii() and text.isalnum():  # most reads: no regex needed
        return text.upper()
    return _NOT_PLATE.sub("", text.upper())


def clean(text: str) -> str:
    """Normalize and check that the result can be a plate; raise PlateError if not."""
    plate = normalize(text)
    if not plate:
        raise PlateError("a plate needs at least one letter or digit")
    if len(plate) > MAX_PLATE_LENGTH:
        raise PlateError(f"a plate has at most {MAX_PLATE_LENGTH} characters")
    return plate


def misread_key(plate: str) -> str:
    """Return the key that plates differing only by OCR confusions share."""
    return plate.translate(_MISREAD)


def reverse(plate: str) -> str:
    # Stored reversed so that suffix patterns ("*123") become prefix range probes.
    return plate[::-1]


def one_off(plate: str) -> set[str]:
    """Every plate at edit distance exactly 1: one character changed, missing or extra.

    About 36 * (2n + 1) + n strings: small enough to probe a unique index with
    IN (...) instead of scanning.
    """
    out: set[str] = set()
    for i in range(len(plate) + 1):
        for ch in ALPHABET:
            out.add(plate[:i] + ch + plate[i:])
    for i in range(len(plate)):
        out.add(plate[:i] + plate[i + 1 :])
        for ch in ALPHABET:
            out.add(plate[:i] + ch + plate[i + 1 :])
    out.discard(plate)
    out.discard("")
    return {p for p in out if len(p) <= MAX_PLATE_LENGTH}


@dataclass(frozen=True)
class Pattern:
    """A plate pattern: `?` is one character, `*` any run (also none)."""

    text: str

    @classmethod
    def parse(cls, text: str) -> Pattern:
        cleaned = _NOT_PATTERN.sub("", text.upper())
        cleaned = re.sub(r"\*+", "*", cleaned)
        if not cleaned.strip("*?"):
            raise PlateError("a pattern needs at least one letter or digit")
        if len(cleaned.replace("*", "")) > MAX_PLATE_LENGTH:
            raise PlateError(f"a pattern has at most {MAX_PLATE_LENGTH} characters")
        return cls(cleaned)

    @property
    def is_wildcard(self) -> bool:
        return "?" in self.text or "*" in self.text

    @cached_property
    def regex(self) -> re.Pattern[str]:
        body = "".join(
            "." if c == "?" else ".*" if c == "*" else re.escape(c) for c in self.text
        )
        return re.compile(f"^{body}$")

    def matches(self, plate: str) -> bool:
        return self.regex.match(plate) is not None

    @property
    def prefix(self) -> str:
        """The literal characters before the first wildcard (for a range probe)."""
        return re.split(r"[?*]", self.text, maxsplit=1)[0]

    @property
    def suffix(self) -> str:
        """The literal characters after the last wildcard (for a reversed-plate probe)."""
        return re.split(r"[?*]", self.text)[-1]

    @property
    def sql_like(self) -> str:
        """The same pattern for SQL LIKE (letters and digits need no escaping)."""
        return self.text.replace("?", "_").replace("*", "%")
