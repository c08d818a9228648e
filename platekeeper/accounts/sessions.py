"""What a session remembers of its sign-in, for the session rules (R8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATED_AT = "pk_authenticated_at"
SEEN_AT = "pk_seen_at"
ROLE_STAMP = "pk_role_stamp"


@dataclass(frozen=True)
class State:
    authenticated_at: datetime
    seen_at: datetime
    role_stamp: str


def stamp(moment: datetime | None) -> str:
    """The role version a session was opened under (comparable, JSON-safe)."""
    return moment.isoformat() if moment else ""


def start(session: SessionBase, user: Any, now: datetime) -> None:
    """Called at sign-in: the 12-hour and idle clocks start now."""
    profile = getattr(user, "profile", None)
    session[AUTHENTICATED_AT] = now.timestamp()
    session[SEEN_AT] = now.timestamp()
    session[ROLE_STAMP] = stamp(profile.role_changed_at if profile else None)


def touch(session: SessionBase, now: datetime, resolution: timedelta) -> None:
    """Restart the idle clock, writing the session only when the clock moved by
    `resolution` (a thirtieth of the idle lock: a minute for CJIS's 30): saving
    the session on every page was a write transaction per page."""
    seen = session.get(SEEN_AT)
    if (
        not isinstance(seen, int | float)
        or now.timestamp() - seen >= resolution.total_seconds()
    ):
        session[SEEN_AT] = now.timestamp()


def state(session: SessionBase) -> State | None:
    try:
        return State(
            datetime.fromtimestamp(session[AUTHENTICATED_AT], UTC),
            datetime.fromtimestamp(session[SEEN_AT], UTC),
            session[ROLE_STAMP],
        )
    except (KeyError, TypeError, ValueError):
        return None


def second_factor_url(user: Any) -> str:
    """Enrolment for a user without an authenticator yet, else the code page."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "/login/code/"
    return "/login/enroll/"
