from __future__ import annotations

from typing import Any

from django import forms

from platekeeper.lib import plates
from platekeeper.policy.rules import Rules


class SearchForm(forms.Form):
    """Criteria plus the why: purpose from the Policy, case number, justification."""

    plate = forms.CharField(max_length=32)
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

    def clean_plate(self) -> str:
        try:
            return plates.clean(self.cleaned_data["plate"])
        except plates.PlateError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_case_number(self) -> str:
        return str(self.cleaned_data.get("case_number", "")).strip()

    def criteria(self) -> dict[str, Any]:
        """The whole query as submitted, for the access record (valid or not)."""
        data = (
            self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        )
        return {
            "plate": data.get("plate") or self.data.get("plate", ""),
            "match": "exact",
        }

    def refusal(self) -> str:
        return "; ".join(
            f"{k}: {' '.join(str(m) for m in v)}" for k, v in self.errors.items()
        )
