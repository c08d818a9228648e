"""Canvass (427.3(c)): every read around an incident, grouped by plate.

For an incident's place (a radius or a drawn polygon) and time, the reads in
a window before and after, grouped by plate with how often and where each was
seen. A second incident keeps only the plates seen near both ("seen near
several incidents").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django import forms

from platekeeper.lib import geo
from platekeeper.reads.models import PlateReadQuerySet
from platekeeper.search import queries
from platekeeper.search.forms import AreaFields, WhyForm

# More reads than this around one incident: the canvass asks to be narrowed.
READ_CAP = 10_000


class CanvassForm(WhyForm, AreaFields):
    at = forms.DateTimeField(
        label="Incident time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    minutes_before = forms.IntegerField(min_value=0, max_value=24 * 60, initial=60)
    minutes_after = forms.IntegerField(min_value=0, max_value=24 * 60, initial=60)
    # A second incident: only plates seen near both.
    latitude_2 = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude_2 = forms.FloatField(required=False, min_value=-180, max_value=180)
    at_2 = forms.DateTimeField(
        required=False,
        label="Second incident time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.area():
            raise forms.ValidationError(
                "mark the incident: a point and radius, or an area"
            )
        second = [data.get(k) for k in ("latitude_2", "longitude_2", "at_2")]
        if any(v is not None for v in second) and not all(
            v is not None for v in second
        ):
            raise forms.ValidationError(
                "a second incident needs its point and its time"
            )
        return data

    def incidents(self) -> list[tuple[dict[str, Any], datetime]]:
        data = self.cleaned_data
        area = self.area()
        assert area is not None
        out = [(area, data["at"])]
        if data.get("at_2") is not None:
            radius = area.get("radius_m", 500)
            out.append(
                (
                    {
                        "center": (data["latitude_2"], data["longitude_2"]),
                        "radius_m": radius,
                    },
                    data["at_2"],
                )
            )
        return out

    def criteria(self) -> dict[str, Any]:
        if self.is_bound and hasattr(self, "cleaned_data"):
            data = self.cleaned_data
            return {
                "kind": "canvass",
                "incidents": [
                    {"area": _plain_area(a), "at": at.isoformat()}
                    for a, at in self.incidents()
                ],
                "minutes_before": data["minutes_before"],
                "minutes_after": data["minutes_after"],
            }
        return {
            "kind": "canvass",
            **{
                k: v
                for k, v in self.data.items()
                if k
                not in (
                    "csrfmiddlewaretoken",
                    "purpose",
                    "case_number",
                    "justification",
                )
                and v
            },
        }


def _plain_area(area: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in area.items()}


class Sighting(NamedTuple):
    """One read around an incident: what the canvass shows and exports of it
    (rows as tuples: model objects for every read cost most of a canvass)."""

    id: int
    captured_at: datetime
    plate: str
    plate_text: str
    state: str
    confidence: float
    camera_name: str
    latitude: float | None
    longitude: float | None


SIGHTING_COLUMNS = (
    "id",
    "captured_at",
    "plate__plate",
    "plate_text",
    "state",
    "confidence",
    "camera__name",
    "latitude",
    "longitude",
)


@dataclass
class Seen:
    plate: str
    # In capture order: the first is the earliest, the last the latest.
    reads: list[Sighting] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reads)

    @property
    def cameras(self) -> list[str]:
        return sorted({r.camera_name for r in self.reads})

    @property
    def first(self) -> datetime:
        return self.reads[0].captured_at

    @property
    def last(self) -> datetime:
        return self.reads[-1].captured_at


def _inside(read: Sighting, polygon: list[geo.Point]) -> bool:
    if read.latitude is None or read.longitude is None:
        return False
    return geo.inside((read.latitude, read.longitude), polygon)


class TooMany(Exception):
    pass


def _around(
    reads: PlateReadQuerySet,
    area: dict[str, Any],
    at: datetime,
    before: int,
    after: int,
) -> list[Sighting]:
    near = queries.in_area(
        reads.filter(
            captured_at__gte=at - timedelta(minutes=before),
            captured_at__lte=at + timedelta(minutes=after),
        ),
        area,
    )
    rows = near.order_by("captured_at", "id").values_list(*SIGHTING_COLUMNS)
    found = [
        r
        for r in map(Sighting._make, rows[: READ_CAP + 1])
        if "polygon" not in area or _inside(r, area["polygon"])
    ]
    if len(found) > READ_CAP:
        raise TooMany(
            f"more than {READ_CAP:,} reads around one incident: narrow the area or time"
        )
    return found


def _in_capture_order(read: Sighting) -> tuple[datetime, int]:
    return read.captured_at, read.id


def canvass(reads: PlateReadQuerySet, form: CanvassForm) -> list[Seen]:
    """Plates seen around every incident, most often seen first."""
    data = form.cleaned_data
    groups: dict[str, Seen] | None = None
    for area, at in form.incidents():
        here: dict[str, Seen] = {}
        for read in _around(
            reads, area, at, data["minutes_before"], data["minutes_after"]
        ):
            here.setdefault(read.plate, Seen(read.plate)).reads.append(read)
        if groups is None:
            groups = here
        else:
            groups = {
                p: Seen(p, sorted(groups[p].reads + seen.reads, key=_in_capture_order))
                for p, seen in here.items()
                if p in groups
            }
    return sorted((groups or {}).values(), key=lambda s: (-s.count, s.plate))


@dataclass
class Result:
    form: CanvassForm
    status: int = 200
    groups: list[Seen] = field(default_factory=list)
    access: Any = None
    refused: str = ""


def run(request: Any, export: str = "") -> Result:
    """The canvass (or its export) a request asks for, under the Policy in
    force and the user's gate as the request already read them: validated,
    limited, recorded first."""
    from platekeeper.accounts.access import gate_of
    from platekeeper.audit.models import Action, Outcome
    from platekeeper.audit.record import Actor, Entry, record_access
    from platekeeper.policy.capabilities import Capability
    from platekeeper.policy.models import rules_of
    from platekeeper.search.limits import TooSlow, time_limit

    in_force = rules_of(request)
    assert in_force is not None  # callers are guarded: a canvass needs a Policy
    version, rules = in_force
    user, actor = request.user, Actor.of_request(request)
    form = CanvassForm(request.POST, rules=rules)
    caps = gate_of(request).capabilities
    extra: dict[str, Any] = {"export": export} if export else {}

    def refuse(reason: str, status: int) -> Result:
        record_access(
            actor,
            Entry(
                Action.SEARCH,
                {**form.criteria(), **extra},
                purpose=str(form.data.get("purpose", ""))[:200],
                case_number=str(form.data.get("case_number", ""))[:64],
                outcome=Outcome.DENIED,
                reason=reason,
                policy_version=version.number,
            ),
        )
        return Result(form, status, refused=reason)

    if not form.is_valid():
        return refuse(form.refusal(), 400)
    if export and Capability.EXPORT not in caps:
        return refuse("your job title may not export ALPR data", 403)
    reads, withheld = queries.without_reason(
        queries.searchable_reads(user, caps, rules),
        rules,
        form.cleaned_data["justification"],
    )
    if withheld:
        extra["older_reads_withheld"] = True
    try:
        with time_limit():
            groups = canvass(reads, form)
    except (TooMany, TooSlow) as exc:
        return refuse(str(exc), 400)
    cleaned = form.cleaned_data
    access = record_access(
        actor,
        Entry(
            Action.EXPORT if export else Action.SEARCH,
            {**form.criteria(), **extra},
            purpose=cleaned["purpose"],
            case_number=cleaned["case_number"],
            justification=cleaned["justification"],
            result_ids=[r.id for g in groups for r in g.reads],
            result_count=sum(g.count for g in groups),
            policy_version=version.number,
        ),
    )
    return Result(form, 200, groups, access)
