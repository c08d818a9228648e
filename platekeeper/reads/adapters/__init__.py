"""Vendor formats, each turned into reads the one ingest path stores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from platekeeper.reads.adapters import codeproject, frigate, openalpr, platerecognizer
from platekeeper.reads.adapters.common import Parsed, PayloadError, RawRead

__all__ = ["FORMATS", "Parsed", "PayloadError", "RawRead"]

FORMATS: dict[str, Callable[[Any], Parsed]] = {
    "openalpr": openalpr.parse,
    "platerecognizer": platerecognizer.parse,
    "codeproject": codeproject.parse,
    "frigate": frigate.parse,
}
