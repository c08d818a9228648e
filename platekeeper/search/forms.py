from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django import forms

from platekeeper.lib import plates
from platekeeper.policy.rules import Rules
from platekeeper.search.criteria import MODES, PARTIAL

DIRECTIONS = {
    "": "Any direction",
    "N": "Northbound",
    "E": "Eastbound",
    "S": "Southbound",
    "W": "Westbound",
}
# A search without a plate covers an area or cameras over at most this long.
AREA_WINDOW = timedelta(hours=24)
MAX_POLYGON_POINTS = 100
# Words that put a search on hold for a supervisor (R32, SB 54): whole words only,
# so "police", "office" and "service" pass.
IMMIGRATION = re.compile(
    r"\b(ICE|CBP|HSI|ERO|immigration|deportation|deport|removal proceedings)\b",
    re.IGNORECASE,
)


class WhyForm(forms.Form):
    """The why of every access: purpose from the Policy, case number, justification."""

    purpose = forms.ChoiceField()
    case_number = forms.CharField(
        max_length=64, required=False, label="Case or CAD incident number"
    )
    justification = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, rules: Rules, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— choose the authorized purpose —")] + [
            (p.code, f"{p.label} ({p.authority})") for p in rules.purposes
        ]
        if rules.case_number_required:
            self.fields["case_number"].required = True

    def clean_case_number(self) -> str:
        return str(self.cleaned_data.get("case_number", "")).strip()

    def immigration_words(self) -> list[str]:
        """Words of the case number and justification that hold the search (R32)."""
        text = " ".join(
            str(self.data.get(k, "")) for k in ("case_number", "justification")
        )
        return sorted({m.group(0) for m in IMMIGRATION.finditer(text)})

    def refusal(self) -> str:
        return "; ".join(
            f"{k}: {' '.join(str(m) for m in v)}" for k, v in self.errors.items()
        )


class AreaFields(forms.Form):
    """A place: a radius around a point, or a polygon drawn on the map."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    radius_m = forms.IntegerField(
        required=False, min_value=10, max_value=20_000, label="Radius (m)"
    )
    polygon = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_polygon(self) -> list[tuple[float, float]] | None:
        raw = self.cleaned_data.get("polygon") or ""
        if not raw.strip():
            return None
        try:
            points = [(float(lat), float(lon)) for lat, lon in json.loads(raw)]
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(
                "the drawn area is not a list of points"
            ) from exc
        if not 3 <= len(points) <= MAX_POLYGON_POINTS:
            raise forms.ValidationError(
                f"an area needs 3 to {MAX_POLYGON_POINTS} corners"
            )
        return points

    def area(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("polygon"):
            return {"polygon": data["polygon"]}
        if data.get("latitude") is not None and data.get("longitude") is not None:
            return {
                "center": (data["latitude"], data["longitude"]),
                "radius_m": data.get("radius_m") or 500,
            }
        return None


class SearchForm(WhyForm, AreaFields):
    """Criteria plus the why."""

    plate = forms.CharField(max_length=32, required=False)
    match = forms.ChoiceField(
        choices=list(MODES.items()), initial="exact", required=False
    )
    start = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    cameras = forms.MultipleChoiceField(required=False)
    state = forms.CharField(max_length=2, required=False)
    min_confidence = forms.FloatField(required=False, min_value=0, max_value=1)
    make = forms.CharField(max_length=50, required=False)
    color = forms.CharField(max_length=30, required=False)
    vehicle_type = forms.CharField(max_length=30, required=False)
    direction = forms.ChoiceField(choices=list(DIRECTIONS.items()), required=False)
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    # Work for a federal task force is recorded as such; the results stay with
    # this department and the federal agency receives nothing (R30, R32).
    task_force = forms.CharField(
        label="Federal task force, if this is task-force work",
        max_length=100,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        rules: Rules,
        cameras: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, rules=rules, **kwargs)
        field = self.fields["cameras"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(i), name) for i, name in cameras or []]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("plate") or "").strip()
        mode = data.get("match") or "exact"
        data["match"] = mode
        if text:
            try:
                if mode == PARTIAL:
                    plates.Pattern.parse(text)
                else:
                    data["plate"] = plates.clean(text)
            except plates.PlateError as exc:
                self.add_error("plate", str(exc))
        elif not (self.area() or data.get("cameras")):
            raise forms.ValidationError(
                "give a plate, or an area or cameras with a time window"
            )
        else:
            start, end = data.get("start"), data.get("end")
            if not (start and end) or end - start > AREA_WINDOW:
                raise forms.ValidationError(
                    "a search without a plate needs a start and an end at most 24 hours apart"
                )
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("the end is before the start")
        return data

    def criteria(self) -> dict[str, Any]:
        """The whole query as submitted, for the access record (valid or not)."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            data = self.cleaned_data
            out = {
                k: _plain(v)
                for k, v in data.items()
                if k not in ("purpose", "case_number", "justification")
                and v not in (None, "", [])
            }
            out.setdefault("match", "exact")
            return out
        return {
            k: v
            for k, v in self.data.items()
            if k
            not in ("csrfmiddlewaretoken", "purpose", "case_number", "justification")
            and v
        }


def _plain(value: Any) -> Any:
    """JSON-safe: times as ISO text, tuples as lists."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
