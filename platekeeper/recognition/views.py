"""A witness's photo read for plates in the browser (R13: an access like a search)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from platekeeper.accounts.access import AuthenticatedHttpRequest
from platekeeper.accounts.guard import refusal
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import SEARCH_CAPABILITIES
from platekeeper.policy.models import rules_of
from platekeeper.recognition import pipeline, weights
from platekeeper.search.forms import WhyForm

# A body over PLATEKEEPER_MAX_REQUEST_BYTES is refused before it is read; the
# form says so in words for anything that gets this far.
MAX_PHOTO_BYTES = 15 * 1024 * 1024


class PhotoForm(WhyForm):
    photo = forms.FileField(label="Photo (JPEG, PNG, BMP or WebP)")

    def clean_photo(self) -> bytes:
        upload = self.cleaned_data["photo"]
        if upload.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError("A photo may be at most 15 MB.")
        return bytes(upload.read())


def _read(data: bytes) -> list[pipeline.Plate]:
    image = pipeline.decode(data)
    plates = pipeline.recognize(image)
    if not plates:  # a close-up of the plate itself: no scene around it
        close = pipeline.read_crop(image)
        plates = [close] if close else []
    return plates


@login_required
def photo(request: AuthenticatedHttpRequest) -> HttpResponse:
    if refused := refusal(request, SEARCH_CAPABILITIES, "read a photo for plates"):
        return refused
    found = rules_of(request)
    assert found is not None  # the guard let the user through: a Policy is in force
    version, rules = found
    form = PhotoForm(request.POST or None, request.FILES or None, rules=rules)
    if request.method != "POST" or not form.is_valid():
        return render(request, "recognition/photo.html", {"form": form})
    data = form.cleaned_data["photo"]
    why: dict[str, Any] = {
        "purpose": form.cleaned_data["purpose"],
        "case_number": form.cleaned_data["case_number"],
        "justification": form.cleaned_data["justification"],
    }
    criteria = {"photo_sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if words := form.immigration_words():
        reason = (
            f"the purpose mentions {', '.join(words)}: not a use ALPR data may serve"
        )
        record_access(
            Actor.of_request(request),
            Entry(
                Action.PLATE_PHOTO_READ,
                criteria,
                **why,
                outcome=Outcome.DENIED,
                reason=reason,
            ),
        )
        return render(
            request,
            "recognition/photo.html",
            {"form": form, "refused": reason},
            status=403,
        )
    try:
        plates = _read(data)
    except pipeline.ImageError as exc:
        form.add_error("photo", str(exc))
        return render(request, "recognition/photo.html", {"form": form}, status=400)
    except weights.ModelError as exc:
        return render(
            request,
            "recognition/photo.html",
            {"form": form, "unavailable": str(exc)},
            status=503,
        )
    # Recorded before the plates are shown; the photo itself is not kept.
    record_access(
        Actor.of_request(request),
        Entry(
            Action.PLATE_PHOTO_READ,
            {**criteria, "plates": [p.text for p in plates]},
            **why,
            result_count=len(plates),
            policy_version=version.number,
        ),
    )
    return render(
        request,
        "recognition/photo.html",
        {"form": form, "plates": plates, "why": why, "read": True},
    )
