"""The session rules of CJIS and the Policy (R8, R9), in front of every view.

A signed-in session sees nothing until its second factor is verified. It ends
after the Policy's idle time (30 minutes) unless the device is a terminal the
Policy exempts (CJIS AC-11), and after 12 hours in any case; it ends, too,
when the user's role changed since sign-in. Views marked `passive` (the alert
stream) never count as activity.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from platekeeper.accounts import sessions, terminals
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.models import rules_of
from platekeeper.policy.rules import Sessions

View = Callable[..., HttpResponse]
V = TypeVar("V", bound=Callable[..., Any])


def passive(view: V) -> V:
    """Mark a view whose requests do not keep an idle session alive (a stream
    that polls on its own: an alert screen left open is still idle)."""
    view.passive = True  # type: ignore[attr-defined]
    return view


def before_second_factor(view: View) -> View:
    """Mark a view a signed-in user may reach before the second factor (sign-in steps)."""
    view.before_second_factor = True  # type: ignore[attr-defined]
    return view


class session_rules:  # noqa: N801 - named like the function middlewares beside it
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: View, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or request.path.startswith("/api/"):
            return None  # the API authenticates each request itself
        now = timezone.now()
        found = rules_of(request)
        limits = found[1].sessions if found else Sessions()
        why = self._why_ended(request, limits, now)
        if why:
            return self._end(request, why)
        if not user.is_verified() and not getattr(view, "before_second_factor", False):
            return redirect(
                f"{sessions.second_factor_url(user)}?next={quote(request.get_full_path())}"
            )
        if not getattr(view, "passive", False):
            sessions.touch(request.session, now, limits.idle / 30)
        return None

    def _why_ended(self, request: HttpRequest, limits: Sessions, now: datetime) -> str:
        user: Any = request.user
        state = sessions.state(request.session)
        if state is None:
            return "This session was opened before the session rules; sign in again."
        if now - state.authenticated_at > limits.reauthenticate:
            return f"Sessions sign in again every {limits.reauthenticate_hours} hours."
        profile = getattr(user, "profile", None)
        if (
            profile is not None
            and sessions.stamp(profile.role_changed_at) != state.role_stamp
        ):
            return "Your role changed; sign in again."
        if now - state.seen_at > limits.idle and not terminals.exempt(
            request, user, limits
        ):
            return f"Signed out after {limits.idle_minutes} idle minutes."
        return ""

    def _end(self, request: HttpRequest, why: str) -> HttpResponse:
        record_access(
            Actor.of_request(request),
            Entry(
                Action.SESSION_ENDED,
                {"component": "session"},
                outcome=Outcome.DENIED,
                reason=why,
            ),
        )
        logout(request)
        messages.info(request, why)
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse({"error": why, "sign_in": "/login/"}, status=401)
        return redirect(f"/login/?next={quote(request.get_full_path())}")
