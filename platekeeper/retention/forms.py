from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from platekeeper.retention.actions import HoldRequest


def _a_year_on() -> Any:
    return timezone.localdate() + timedelta(days=365)


class HoldForm(forms.Form):
    """What a hold must name (R26), and which reads: ids from a search result,
    an alert, or a plate within a time range."""

    case_number = forms.CharField(max_length=64)
    evidence_item = forms.CharField(max_length=64, label="Evidence item number")
    requester = forms.CharField(
        max_length=200, help_text="Who asked for it: investigator, prosecutor, counsel"
    )
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    review_on = forms.DateField(
        initial=_a_year_on, widget=forms.DateInput(attrs={"type": "date"})
    )
    read = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput)
    plate = forms.CharField(max_length=32, required=False)
    start = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The ids arrive from the results page; any number is a choice here,
        # and `actions.place` keeps only the reads the user may see.
        data = self.data if self.is_bound else self.initial
        ids = data.getlist("read") if hasattr(data, "getlist") else data.get("read", [])
        field = self.fields["read"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(i, i) for i in ids if str(i).isdigit()]

    def clean_review_on(self) -> Any:
        value = self.cleaned_data["review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("the review date must be in the future")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_plate = data.get("plate") and data.get("start") and data.get("end")
        if not (data.get("read") or data.get("alert") or by_plate):
            raise forms.ValidationError(
                "choose the reads: from a search result, an alert, or a plate with "
                "a start and an end"
            )
        if by_plate and data["end"] < data["start"]:
            raise forms.ValidationError("the end is before the start")
        return data

    def request(self) -> HoldRequest:
        data = self.cleaned_data
        return HoldRequest(
            case_number=data["case_number"],
            evidence_item=data["evidence_item"],
            requester=data["requester"],
            reason=data["reason"],
            review_on=data["review_on"],
        )
