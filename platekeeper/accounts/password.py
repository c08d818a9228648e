"""Changing one's password (R10): Django's validators are the CJIS rules.

At least 8 characters (user-chosen, spaces allowed, never truncated: Argon2
hashes the whole passphrase), not on the banned list of common passwords, not
all digits, not close to the username. No hints, no security questions.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action


def change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record_in_action(
                Actor.of_request(request),
                Entry(Action.PASSWORD_CHANGED, {"username": user.get_username()}),
            )
        update_session_auth_hash(request, form.user)
        return render(request, "accounts/password.html", {"changed": True})
    return render(
        request,
        "accounts/password.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
