"""The generic read format, validated strictly (pydantic)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Annotated, Any

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from platekeeper.lib import plates
from platekeeper.reads import blobs

Confidence = Annotated[float, Field(ge=0, le=1)]
# A camera whose clock runs a day fast is broken; one a few minutes off is not.
MAX_CLOCK_AHEAD = timedelta(hours=24)


class Spec(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Candidate(Spec):
    plate: Annotated[str, Field(min_length=1, max_length=32)]
    confidence: Confidence


class Vehicle(Spec):
    make: Annotated[str, Field(max_length=50)] = ""
    color: Annotated[str, Field(max_length=30)] = ""
    type: Annotated[str, Field(max_length=30)] = ""


class Attribute(Spec):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    confidence: Confidence


MAX_DETAILS_BYTES = 8192


class ReadSpec(Spec):
    event_id: Annotated[str, Field(min_length=1, max_length=128)]
    plate: Annotated[str, Field(min_length=1, max_length=32)]
    confidence: Confidence
    captured_at: Annotated[AwareDatetime, Field(strict=False)]
    state: Annotated[str, Field(max_length=8)] = ""
    state_confidence: Confidence | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    heading: Annotated[float, Field(ge=0, lt=360)] | None = None
    vehicle: Vehicle | None = None
    candidates: Annotated[list[Candidate], Field(max_length=20, default_factory=list)]
    # Attribute name (make, color, body_type, ...) -> candidates, best first.
    vehicle_attributes: Annotated[
        dict[
            Annotated[str, Field(max_length=30)],
            Annotated[list[Attribute], Field(max_length=10)],
        ],
        Field(max_length=12),
    ] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)
    # Base64 JPEG or PNG.
    plate_image: str | None = None
    overview_image: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any, info: ValidationInfo) -> Any:
        # PostgreSQL cannot store NUL in text or JSON; SQLite would, silently.
        # Refused here so that both databases answer the same, with a reason.
        # Walking every value costs 15% of ingest, so callers that saw no NUL
        # in the raw bytes say so (see `nul_free`).
        if (info.context or {}).get("nul_free"):
            return data
        if _has_nul(data):
            raise ValueError("text may not contain NUL (\\u0000) characters")
        return data

    @field_validator("plate")
    @classmethod
    def _plate_is_a_plate(cls, value: str) -> str:
        plates.clean(value)  # PlateError is a ValueError: pydantic reports it
        return value

    @field_validator("captured_at")
    @classmethod
    def _not_far_future(cls, value: datetime) -> datetime:
        # datetime.now, not timezone.now: the latter reads settings on every
        # call, a tenth of an import's parsing time.
        if value > datetime.now(UTC) + MAX_CLOCK_AHEAD:
            raise ValueError("capture time is more than 24 hours in the future")
        return value

    @field_validator("plate_image", "overview_image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        if value is not None:
            blobs.check_image(decode_image(value))
        return value

    @field_validator("details")
    @classmethod
    def _details_small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(orjson.dumps(value)) > MAX_DETAILS_BYTES:
            raise ValueError(
                f"details are limited to {MAX_DETAILS_BYTES} bytes of JSON"
            )
        return value

    @cached_property
    def normalized_plate(self) -> str:
        # Once per read, not once per use (ingest asks three times).
        return plates.normalize(self.plate)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def nul_free(raw: bytes) -> dict[str, bool]:
    """Validation context for items parsed from `raw`: no NUL can be in them
    unless the bytes hold one (raw, or as JSON's \\u0000 escape)."""
    return {"nul_free": b"\x00" not in raw and b"\\u0000" not in raw}


def decode_image(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("image is not valid base64") from exc


def describe(exc: ValidationError) -> list[str]:
    """One line per problem: 'field: message'."""
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "read"
        out.append(f"{where}: {err['msg']}")
    return out
