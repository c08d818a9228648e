"""The second factor (R9): TOTP with django-otp, enrolled at first sign-in.

django-otp refuses a code at or before the last one a device accepted, so a
code seen over a shoulder or replayed from a log is refused; it also slows
guessing down (throttling). segno draws the enrolment QR code as inline SVG,
so nothing leaves the server.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from platekeeper.accounts.middleware import before_second_factor
from platekeeper.accounts.views import next_page
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Six-digit code",
        error_messages={"invalid": "Enter the six digits your authenticator shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


def _record(
    request: HttpRequest, action: Action, outcome: Outcome, reason: str = ""
) -> None:
    record_access(
        Actor.of_request(request),
        Entry(action, {"component": "second factor"}, outcome=outcome, reason=reason),
    )


def _check(request: HttpRequest, device: TOTPDevice, form: CodeForm) -> bool:
    """Verify the form's code on the device; record a refusal."""
    if not form.is_valid():
        return False
    allowed, _ = device.verify_is_allowed()
    if allowed and device.verify_token(form.cleaned_data["code"].strip()):
        return True
    reason = "wrong or already used code" if allowed else "too many wrong codes; wait"
    form.add_error(
        "code",
        "That code is wrong, expired or already used."
        if allowed
        else "Too many wrong codes. Wait a minute, then try the newest code.",
    )
    _record(request, Action.MFA_FAILED, Outcome.DENIED, reason)
    return False


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


@before_second_factor
def enroll(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        return redirect("accounts-login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"/login/code/?next={next_page(request)}")
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="authenticator", confirmed=False
            )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _check(request, device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        _record(request, Action.MFA_ENROLLED, Outcome.ALLOWED)
        return redirect(next_page(request))
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="Authenticator set-up code"
    )
    return render(
        request,
        "accounts/enroll.html",
        {
            "form": form,
            "qr": qr,
            "secret": secret_of(device),
            "next": next_page(request),
        },
        status=400 if form.errors else 200,
    )


@before_second_factor
def code(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        return redirect("accounts-login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"/login/enroll/?next={next_page(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _check(request, device, form):
        otp_login(request, device)
        return redirect(next_page(request))
    return render(
        request,
        "accounts/code.html",
        {"form": form, "next": next_page(request)},
        status=400 if form.errors else 200,
    )
