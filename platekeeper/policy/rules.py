"""The rules a Policy version holds, as validated data.

Enforcement code reads these; the public policy page is rendered from them. A
rule that fails validation cannot be saved, so a published Policy is always
one the code can enforce.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from platekeeper.policy.capabilities import Capability

Text = Annotated[str, Field(min_length=1, max_length=500)]


class DataClass(StrEnum):
    READS = "reads"  # plate reads and their images
    ALERTS = "alerts"
    HOTLIST_ENTRIES = "hotlist_entries"
    ACCESS_RECORDS = "access_records"
    SHARING_RECORDS = "sharing_records"


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Purpose(Rule):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    label: Text
    # The Policy section that authorizes it, e.g. "427.3(b)".
    authority: Text


class JobTitle(Rule):
    title: Text
    capabilities: list[Capability]


class Training(Rule):
    """A course users must have completed, and for how long it counts."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    label: Text
    valid_days: Annotated[int, Field(ge=1, le=3650)]
    # The capabilities it gates; empty: every ALPR capability.
    required_for: list[Capability] = Field(default_factory=list)

    def gates(self, capability: Capability) -> bool:
        return not self.required_for or capability in self.required_for


class Retention(Rule):
    """How long one data class is kept: at least `minimum`, at most `maximum`."""

    minimum: timedelta
    maximum: timedelta | None = None

    @model_validator(mode="after")
    def _floor_below_cap(self) -> Retention:
        if self.minimum <= timedelta(0):
            raise ValueError("the retention floor must be positive")
        if self.maximum is not None and self.maximum < self.minimum:
            raise ValueError("the retention floor is above its cap")
        return self


class Person(Rule):
    name: Text
    title: Text


class Rules(Rule):
    jurisdiction: Text
    purposes: Annotated[list[Purpose], Field(min_length=1)]
    job_titles: Annotated[list[JobTitle], Field(min_length=1)]
    retention: dict[DataClass, Retention]
    # When true a search needs a case number (a CAD incident number counts).
    case_number_required: bool
    # How far back a title holding only search_recent may search (427: patrol).
    recent_search_days: Annotated[int, Field(ge=1, le=3650)] = 30
    custodian_title: Text
    administrator_designee: Person
    # 427.3(d): no one operates ALPR equipment or accesses ALPR data untrained.
    training: list[Training] = Field(default_factory=list)

    @field_validator("purposes")
    @classmethod
    def _unique_purposes(cls, value: list[Purpose]) -> list[Purpose]:
        codes = [p.code for p in value]
        if len(codes) != len(set(codes)):
            raise ValueError("two purposes share a code")
        return value

    @field_validator("job_titles")
    @classmethod
    def _unique_titles(cls, value: list[JobTitle]) -> list[JobTitle]:
        titles = [t.title.casefold() for t in value]
        if len(titles) != len(set(titles)):
            raise ValueError("a job title is listed twice")
        return value

    @field_validator("retention")
    @classmethod
    def _every_data_class(
        cls, value: dict[DataClass, Retention]
    ) -> dict[DataClass, Retention]:
        missing = [d.value for d in DataClass if d not in value]
        if missing:
            raise ValueError(f"no retention for: {', '.join(missing)}")
        return value

    def purpose(self, code: str) -> Purpose | None:
        return next((p for p in self.purposes if p.code == code), None)

    def capabilities_of(self, title: str) -> frozenset[Capability]:
        """Capabilities of a job title; an unlisted title has none (R2)."""
        for job in self.job_titles:
            if job.title.casefold() == title.casefold():
                return frozenset(job.capabilities)
        return frozenset()
