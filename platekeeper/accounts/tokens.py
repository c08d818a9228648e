"""API tokens for integrations: one per person, issued only after the second
factor, expiring with the Policy's re-authentication period (at most 12 hours).

Every request that bears one leaves an access record: the search it ran, or
the refusal (`api_token_refused`) when the token is unknown, expired or its
account may no longer sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from platekeeper.accounts.models import ApiToken
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access, record_in_action
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import Sessions

PREFIX = "pkt_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue(user: Any, actor: Actor, now: datetime) -> tuple[ApiToken, str]:
    """A new token for the user, replacing any earlier one; returns it and its secret."""
    found = current_rules()
    lifetime = (found[1].sessions if found else Sessions()).reauthenticate
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    row = ApiToken.objects.create(
        user=user, token_hash=_hash(token), issued_at=now, expires_at=now + lifetime
    )
    record_in_action(
        actor,
        Entry(
            Action.API_TOKEN_ISSUED,
            {"username": user.get_username(), "expires_at": row.expires_at.isoformat()},
        ),
    )
    return row, token


def _refused(request: HttpRequest, username: str, reason: str) -> None:
    record_access(
        Actor(
            username=username or "(unknown token)",
            client_address=request.META.get("REMOTE_ADDR"),
        ),
        Entry(
            Action.API_TOKEN_REFUSED,
            {"path": request.path},
            outcome=Outcome.DENIED,
            reason=reason,
        ),
    )


def user_of(request: HttpRequest) -> tuple[Any, str]:
    """The user a request's bearer token stands for, or (None, why not) after
    recording the refusal."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.startswith(PREFIX):
        return (
            None,
            f"send 'Authorization: Bearer {PREFIX}…' (issued at /account/token/)",
        )
    row = (
        ApiToken.objects.filter(token_hash=_hash(token.strip()))
        .select_related("user__profile__agency")
        .first()
    )
    if row is None:
        _refused(request, "", "unknown token")
        return None, "unknown token"
    user = row.user
    profile = getattr(user, "profile", None)
    why = ""
    if row.expires_at <= timezone.now():
        why = "token expired; issue a new one after signing in"
    elif (
        not user.is_active or profile is None or profile.is_pending or profile.locked_at
    ):
        why = "the account may not sign in"
    if why:
        _refused(request, user.get_username(), why)
        return None, why
    return user, ""


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """Issue a token to a session that passed the second factor (the middleware
    lets no other session reach this page)."""
    user: Any = request.user
    secret = ""
    current = ApiToken.objects.filter(user=user).first()
    if request.method == "POST":
        current, secret = issue(user, Actor.of_request(request), timezone.now())
    return render(
        request,
        "accounts/token.html",
        {"token": current, "secret": secret, "now": timezone.now()},
    )
