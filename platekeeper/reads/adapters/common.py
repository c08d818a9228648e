"""What every vendor adapter needs: one shape for a read, and the normalizations
the formats disagree on (confidence scales, time encodings, region codes, images).

An adapter turns a payload into `Parsed`. A structural problem (not an object,
no results list) is a PayloadError: the request gets 400 and nothing is stored.
A problem in one read's fields is left for ReadSpec's validation, which rejects
that read alone. An image that is not an image is dropped with a warning and
the read is kept.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from platekeeper.reads import blobs

# Epoch values above this are milliseconds (1e11 s is the year 5138).
MS_THRESHOLD = 1e11


class PayloadError(ValueError):
    """The payload is not of the format at all; nothing of it can be used."""


@dataclass
class RawRead:
    """One read in ReadSpec's shape (`fields`), with its images as bytes."""

    fields: dict[str, Any]
    plate_image: bytes | None = None
    overview_image: bytes | None = None
    warnings: list[str] = field(default_factory=list)

    def image(self, kind: str, value: Any) -> None:
        """Attach an image (base64 text or bytes) if it is one; else warn, keep the read."""
        if value in (None, "", b""):
            return
        data, problem = (
            decode_image(value) if not isinstance(value, bytes) else _checked(value)
        )
        if problem:
            self.warnings.append(f"{kind} image dropped: {problem}")
        elif kind == "plate":
            self.plate_image = data
        else:
            self.overview_image = data


@dataclass
class Parsed:
    reads: list[RawRead] = field(default_factory=list)
    # Per-frame formats send many messages for one passing vehicle: merge them.
    per_frame: bool = False
    heartbeat: dict[str, Any] | None = None
    # Why a valid message carried no reads (e.g. a vehicle without a plate).
    ignored: str = ""


def obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{what} must be a JSON object")
    return value


def part(body: Any, key: str) -> dict[str, Any]:
    """A sub-object of the payload, or an empty one when it is absent or not an object."""
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, dict) else {}


def items(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(f"{what} must be a list")
    return value


def confidence(value: Any, scale: float = 1.0) -> Any:
    """A score on the format's scale (1 or 100) as 0-1; anything else is passed on
    unchanged for validation to refuse with the field's name."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return value / scale


def timestamp(value: Any, naive_is_utc: bool = False) -> Any:
    """Epoch seconds or milliseconds, ISO 8601 or RFC 1123 text -> aware datetime."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        seconds = value / 1000 if value > MS_THRESHOLD else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return value
    if isinstance(value, str):
        return _parse_time_text(value, naive_is_utc)
    return value


def _parse_time_text(text: str, naive_is_utc: bool) -> Any:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return text
    if parsed.tzinfo is None and naive_is_utc:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def state_of(region: Any) -> str:
    """`us-ca` -> `CA`, `mo` -> `MO`, `gb` -> `GB`; nothing known stays empty."""
    if not isinstance(region, str):
        return ""
    code = region.strip().rsplit("-", 1)[-1].upper()
    return code[:8]


def attributes(
    values: Any, name_key: str, score_key: str = "confidence", scale: float = 1.0
) -> list[dict[str, Any]]:
    """[{name_key: ..., score_key: ...}, ...] -> [{"name", "confidence" 0-1}], best first."""
    if not isinstance(values, list):
        return []
    out = []
    for v in values:
        if isinstance(v, dict) and isinstance(v.get(name_key), str) and v.get(name_key):
            score = confidence(v.get(score_key, 0), scale)
            if isinstance(score, float) and 0 <= score <= 1:
                out.append({"name": v[name_key][:60], "confidence": score})
    out.sort(key=lambda a: a["confidence"], reverse=True)
    return out[:10]


def best(values: list[dict[str, Any]]) -> str:
    return str(values[0]["name"])[:30] if values else ""


def candidates(
    values: Any,
    plate_key: str = "plate",
    score_key: str = "confidence",
    scale: float = 1.0,
) -> list[Any]:
    if not isinstance(values, list):
        return []
    # Candidates are secondary: an unusable one is dropped, not the read.
    out = []
    for c in values[:20]:
        if (
            isinstance(c, dict)
            and isinstance(c.get(plate_key), str)
            and c[plate_key].strip()
        ):
            score = confidence(c.get(score_key), scale)
            if isinstance(score, float) and 0 <= score <= 1:
                out.append({"plate": c[plate_key][:32], "confidence": score})
    return out


def decode_image(value: Any) -> tuple[bytes | None, str]:
    if not isinstance(value, str):
        return None, "not base64 text"
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None, "not valid base64"
    return _checked(data)


def _checked(data: bytes) -> tuple[bytes | None, str]:
    try:
        blobs.check_image(data)
    except blobs.NotAnImage as exc:
        return None, str(exc)
    return data, ""


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def location(lat: Any, lon: Any) -> dict[str, Any]:
    """GPS fields, left out when absent or the (0, 0) that agents send for 'unknown'."""
    lat_n, lon_n = number(lat), number(lon)
    if lat_n is None or lon_n is None or (lat_n == 0 and lon_n == 0):
        return {}
    return {"latitude": lat_n, "longitude": lon_n}


def heading(value: Any) -> dict[str, Any]:
    n = number(value)
    return {} if n is None or n < 0 else {"heading": n % 360}
