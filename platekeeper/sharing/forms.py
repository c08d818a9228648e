from __future__ import annotations

import re
from typing import Any

from django import forms

from platekeeper.accounts.models import Agency
from platekeeper.lib import plates
from platekeeper.sharing.actions import Written
from platekeeper.sharing.models import ReleaseRequest

# A written request is a scan or a document, not a video.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PLATES = 100


class ReleaseRequestForm(forms.Form):
    """The written request as staff enter it: every field of 427.6(a) required."""

    recipient_ori = forms.CharField(label="Requesting agency (ORI)", max_length=9)
    kind = forms.ChoiceField(choices=ReleaseRequest.Kind.choices)
    requester_name = forms.CharField(max_length=200)
    requester_contact = forms.CharField(max_length=200)
    purpose = forms.CharField(
        label="Intended purpose",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    case_number = forms.CharField(max_length=64)
    legal_authority = forms.CharField(max_length=300)
    city_attorney = forms.CharField(
        label="City Attorney's reference (court orders and subpoenas)",
        max_length=200,
        required=False,
    )
    plates = forms.CharField(label="Plates asked for", max_length=2000)
    start = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    document = forms.FileField(label="The written request (scan or document)")
    emergency = forms.BooleanField(
        required=False,
        label="Emergency: run it now; the designee approves within 24 hours",
    )

    def clean_recipient_ori(self) -> Agency:
        ori = self.cleaned_data["recipient_ori"].strip().upper()
        agency = Agency.objects.filter(ori=ori).first()
        if agency is None:
            raise forms.ValidationError(
                f"no agency with ORI {ori} in the registry: add it first"
            )
        return agency

    def clean_plates(self) -> list[str]:
        found = []
        for text in re.split(r"[\s,;]+", self.cleaned_data["plates"]):
            if text:
                try:
                    found.append(plates.clean(text))
                except plates.PlateError as exc:
                    raise forms.ValidationError(f"{text!r}: {exc}") from exc
        if not found:
            raise forms.ValidationError("name at least one plate")
        if len(found) > MAX_PLATES:
            raise forms.ValidationError(f"at most {MAX_PLATES} plates a request")
        return sorted(set(found))

    def clean_document(self) -> Any:
        document = self.cleaned_data["document"]
        if document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError("the document is over 20 MB")
        return document

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("the end is before the start")
        legal = (ReleaseRequest.Kind.COURT_ORDER, ReleaseRequest.Kind.SUBPOENA)
        if data.get("kind") in legal and not data.get("city_attorney"):
            self.add_error(
                "city_attorney",
                "a court order or subpoena goes through the City Attorney",
            )
        return data

    def written(self) -> Written:
        data = self.cleaned_data
        document = data["document"]
        return Written(
            recipient=data["recipient_ori"],
            kind=data["kind"],
            requester_name=data["requester_name"],
            requester_contact=data["requester_contact"],
            purpose=data["purpose"],
            case_number=data["case_number"],
            legal_authority=data["legal_authority"],
            city_attorney=data.get("city_attorney", ""),
            plates=data["plates"],
            start=data["start"],
            end=data["end"],
            document=document.read(),
            document_name=document.name or "request",
            emergency=data["emergency"],
        )


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "ori", "type", "level", "state"]

    def clean_ori(self) -> str:
        return str(self.cleaned_data["ori"]).strip().upper()

    def clean_state(self) -> str:
        return str(self.cleaned_data["state"]).strip().upper()
