"""The rules a Policy version holds, as validated data.

Enforcement code reads these; the public policy page is rendered from them. A
rule that fails validation cannot be saved, so a published Policy is always
one the code can enforce.
"""

from __future__ import annotations

from datetime import date, time, timedelta
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


# Floors no Policy may go under (R19).
FLOORS = {
    DataClass.ACCESS_RECORDS: timedelta(days=365),
    DataClass.SHARING_RECORDS: timedelta(days=730),
}


# Civil Code § 1798.90.51(b)(2)(A)–(G): what a usage and privacy policy holds.
ELEMENTS = {
    "A": "authorized purposes",
    "B": "job titles of authorized users and their training",
    "C": "how the system is monitored, including periodic audits",
    "D": "sharing: purposes, process and restrictions",
    "E": "the custodian's title",
    "F": "accuracy and error correction",
    "G": "retention and the destruction process",
}


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


class DataSource(Rule):
    """A source of criminal justice information (CLETS/NCIC) whose record details
    need a grant on top of the role (Policy 427.3(e)), held only while the
    certification course stays current."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    label: Text
    certification: Training


class Sessions(Rule):
    """CJIS AC-11/AC-12/IA-11 (R8): when a session locks and when it must sign in again."""

    idle_minutes: Annotated[int, Field(ge=1, le=30)] = 30
    reauthenticate_hours: Annotated[int, Field(ge=1, le=12)] = 12
    # Terminal kinds (accounts.Terminal.Kind) exempt from the idle lock under AC-11.
    idle_exempt_terminals: list[str] = Field(default_factory=list)

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes)

    @property
    def reauthenticate(self) -> timedelta:
        return timedelta(hours=self.reauthenticate_hours)


class HotListRules(Rule):
    """Policy 427.3(c), 427.3(f) and the person files of the NCIC extract."""

    # A user-entered entry expires after this many days unless renewed (R27).
    entry_days: Annotated[int, Field(ge=1, le=365)] = 30
    # A new entry is checked against the reads of this many past days (0: none).
    look_back_days: Annotated[int, Field(ge=0, le=365)] = 30
    # Another alert for the same entry at the same camera waits this long.
    repeat_alert_minutes: Annotated[int, Field(ge=0, le=1440)] = 10
    # Person-file categories that alert; the others are loaded but stay silent.
    alerting_person_files: list[str] = Field(
        default_factory=lambda: ["wanted_person", "missing_person"]
    )
    # Categories that never alert whatever else says (California: SB 54).
    never_alert: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _never_means_never(self) -> HotListRules:
        both = set(self.alerting_person_files) & set(self.never_alert)
        if both:
            raise ValueError(
                f"listed both as alerting and never alerting: {sorted(both)}"
            )
        return self


class AuditRules(Rule):
    """Policy 427.5(c) audits and 427.2.1(c) monitoring: how often, how much, what
    is flagged (R41, R43)."""

    every_days: Annotated[int, Field(ge=1, le=365)] = 30
    sample_size: Annotated[int, Field(ge=1, le=1000)] = 25
    # Searches outside these local hours are flagged (no shift patterns yet).
    day_starts: time = time(6, 0)
    day_ends: time = time(22, 0)
    # A justification shorter than this, or one of these words, is vague.
    min_justification: Annotated[int, Field(ge=0, le=200)] = 15
    vague_words: list[str] = Field(
        default_factory=lambda: [
            "investigation",
            "inv",
            "check",
            "test",
            "info",
            "n/a",
            "na",
            "follow up",
        ]
    )
    # A day's searches above the user's 90-day mean + this many standard deviations.
    volume_sigmas: Annotated[float, Field(gt=0, le=10)] = 3.0
    # The same plate searched this often in 7 days without a case number.
    repeat_plate_searches: Annotated[int, Field(ge=2, le=100)] = 3
    # An export of more reads than this.
    mass_export_reads: Annotated[int, Field(ge=1)] = 1000
    # Flag searches for employees' own plates (the staff watch list).
    staff_watch: bool = False


class SharingRules(Rule):
    """Policy 427.6 and Civil Code 1798.90.55(b) as the Attorney General reads it
    (bulletin 2023-DLE-06): who may receive ALPR data, and how fulfilment runs."""

    # A recipient must be all of these; anything else is refused whoever approves.
    recipient_states: list[str] = Field(default_factory=lambda: ["CA"])
    recipient_types: list[str] = Field(
        default_factory=lambda: ["law_enforcement", "prosecutor"]
    )
    recipient_levels: list[str] = Field(default_factory=lambda: ["state", "local"])
    # A fulfilment's package can be downloaded this long.
    download_hours: Annotated[int, Field(ge=1, le=720)] = 72
    # An emergency release runs first; the designee's approval is due within this.
    emergency_approval_hours: Annotated[int, Field(ge=1, le=72)] = 24
    # A standing share is reviewed this often, and never runs past its end date.
    standing_review_days: Annotated[int, Field(ge=1, le=365)] = 90


class Retention(Rule):
    """How long one data class is kept: at least `minimum`, at most `maximum`."""

    minimum: timedelta
    maximum: timedelta | None = None
    # Colorado (C.R.S. 24-72-113): data older than this is opened only with a
    # stated reason, recorded with the person (reads only).
    restricted_after: timedelta | None = None

    @model_validator(mode="after")
    def _floor_below_cap(self) -> Retention:
        if self.minimum <= timedelta(0):
            raise ValueError("the retention floor must be positive")
        if self.maximum is not None and self.maximum < self.minimum:
            raise ValueError("the retention floor is above its cap")
        if self.restricted_after is not None and self.restricted_after >= self.minimum:
            raise ValueError("restricted access starts before the data is purged")
        return self


class Source(Rule):
    """Where a profile's value comes from, and whether counsel has confirmed it."""

    setting: Text
    citation: Text
    confirmed: bool


class Statements(Rule):
    """The elements of § 1798.90.51(b)(2) that are prose: the policy page prints
    them beside the values the code enforces (R20)."""

    # C: how the system is monitored for security and compliance (the audit
    # frequency and flags come from `audits`).
    monitoring: Annotated[str, Field(max_length=4000)] = ""
    # D: sharing purposes, process and restrictions (the recipient rule comes
    # from `sharing`).
    sharing: Annotated[str, Field(max_length=4000)] = ""
    # F: how the data is kept accurate and errors are corrected.
    accuracy: Annotated[str, Field(max_length=4000)] = ""
    # G: the destruction process (the periods come from `retention`).
    destruction: Annotated[str, Field(max_length=4000)] = ""


class PublicMeeting(Rule):
    """§ 1798.90.55(a): the governing body's meeting with public comment before
    the program starts (R22)."""

    held_on: date
    body: Text
    agenda_item: Text


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
    data_sources: list[DataSource] = Field(default_factory=list)
    sessions: Sessions = Field(default_factory=Sessions)
    hot_lists: HotListRules = Field(default_factory=HotListRules)
    audits: AuditRules = Field(default_factory=AuditRules)
    sharing: SharingRules = Field(default_factory=SharingRules)
    statements: Statements = Field(default_factory=Statements)
    public_meeting: PublicMeeting | None = None
    # California: the program is not active until the meeting is recorded.
    requires_public_meeting: bool = True
    # The transparency page shows where fixed cameras stand only when this is on.
    public_camera_map: bool = False
    # The law behind the profile's values; unconfirmed ones need counsel's check.
    sources: list[Source] = Field(default_factory=list)
    # Gov. Code 34090.6: the council resolution and the city attorney's written
    # consent that authorize destroying records after their retention. While
    # empty the purge still runs, and the dashboard and policy page say so.
    destruction_authority: Annotated[str, Field(max_length=500)] = ""

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
        for data_class, floor in FLOORS.items():
            if value[data_class].minimum < floor:
                raise ValueError(
                    f"{data_class.value} are kept at least {floor.days} days "
                    "(CJIS AU-11; Policy 427 for sharing records): a Policy cannot lower that"
                )
        return value

    def missing_elements(self) -> list[str]:
        """The § 1798.90.51(b)(2) elements this Policy lacks, as "F (accuracy …)"."""
        have = {
            "A": bool(self.purposes),
            "B": bool(self.job_titles and self.training),
            "C": bool(self.statements.monitoring.strip()),
            "D": bool(self.statements.sharing.strip()),
            "E": bool(self.custodian_title.strip()),
            "F": bool(self.statements.accuracy.strip()),
            "G": bool(self.statements.destruction.strip()),
        }
        return [f"{k} ({ELEMENTS[k]})" for k, present in have.items() if not present]

    @property
    def program_active(self) -> bool:
        return self.public_meeting is not None or not self.requires_public_meeting

    def purge_every(self) -> timedelta:
        """How often the purge runs: a third of the shortest retention in force,
        from every minute (New Hampshire's 3 minutes) to daily."""
        shortest = min(r.minimum for r in self.retention.values())
        return min(timedelta(days=1), max(timedelta(minutes=1), shortest / 3))

    def courses(self) -> dict[str, Training]:
        """Every course a training record may name: training and certifications."""
        out = {t.code: t for t in self.training}
        out.update({d.certification.code: d.certification for d in self.data_sources})
        return out

    def data_source(self, code: str) -> DataSource | None:
        return next((d for d in self.data_sources if d.code == code), None)

    def purpose(self, code: str) -> Purpose | None:
        return next((p for p in self.purposes if p.code == code), None)

    def capabilities_of(self, title: str) -> frozenset[Capability]:
        """Capabilities of a job title; an unlisted title has none (R2)."""
        for job in self.job_titles:
            if job.title.casefold() == title.casefold():
                return frozenset(job.capabilities)
        return frozenset()
