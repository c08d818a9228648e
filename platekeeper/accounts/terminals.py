"""Terminals: devices the agency set up for one use, known by a cookie.

A terminal of a kind the Policy exempts (CJIS AC-11: patrol-car mobile data
terminals, dispatch consoles, receive-only alert displays) does not lock when
idle; it still signs in again every 12 hours. The cookie holds a random token;
the database holds only its SHA-256, so a copy of the database registers no
browser.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from platekeeper.accounts.models import Agency, Terminal
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.rules import Sessions

COOKIE = "pk_terminal"
# A terminal stays registered until retired; the cookie lasts as long as a car's MDT.
COOKIE_SECONDS = 5 * 365 * 24 * 3600


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def of_request(request: HttpRequest, agency: Agency | None) -> Terminal | None:
    token = request.COOKIES.get(COOKIE, "")
    if not token or agency is None:
        return None
    return Terminal.objects.filter(
        token_hash=_hash(token), agency=agency, retired_at=None
    ).first()


def exempt(request: HttpRequest, user: Any, limits: Sessions) -> bool:
    """Whether this request comes from a terminal the Policy exempts from the idle lock."""
    if not limits.idle_exempt_terminals:
        return False
    profile = getattr(user, "profile", None)
    terminal = of_request(request, profile.agency if profile else None)
    return terminal is not None and terminal.kind in limits.idle_exempt_terminals


@transaction.atomic
def register(
    agency: Agency, name: str, kind: str, *, actor: Actor
) -> tuple[Terminal, str]:
    """Register a terminal; return it and the token its browser must carry."""
    token = secrets.token_urlsafe(32)
    terminal = Terminal.objects.create(
        agency=agency,
        name=name,
        kind=Terminal.Kind(kind),
        token_hash=_hash(token),
        registered_by=actor.username,
    )
    record_in_action(
        actor,
        Entry(
            Action.TERMINAL_REGISTERED,
            {"terminal": name, "kind": kind, "agency": agency.ori},
        ),
    )
    return terminal, token


def set_cookie(response: HttpResponse, token: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_SECONDS,
        httponly=True,
        secure=secure,
        samesite="Strict",
    )
