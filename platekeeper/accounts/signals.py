"""Security events (R17) and the persistent lock (R7), from Django's and axes'
signals, through the one audit write path."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from platekeeper.accounts import sessions
from platekeeper.accounts.models import Profile, RetiredUsername
from platekeeper.audit.models import Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_in_action


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _actor(username: str, request: HttpRequest | None) -> Actor:
    """The actor for a name that may belong to no account (a failed sign-in)."""
    address = _address(request)
    user = (
        User.objects.filter(username=username).select_related("profile__agency").first()
    )
    if user is not None:
        return Actor.of_user(user, address)
    return Actor(username=username[:150], client_address=address)


def _record(
    actor: Actor, action: Action, outcome: Outcome = Outcome.ALLOWED, reason: str = ""
) -> None:
    with transaction.atomic():
        record_in_action(
            actor,
            Entry(action, {"component": "sign-in"}, outcome=outcome, reason=reason),
        )


def logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    sessions.start(request.session, user, timezone.now())
    _record(Actor.of_user(user, _address(request)), Action.LOGIN)


def logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record(Actor.of_user(user, _address(request)), Action.LOGOUT)


def login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # Django masks the password in `credentials`; only the username is used.
    username = str(credentials.get("username", ""))
    _record(
        _actor(username, request),
        Action.LOGIN_FAILED,
        Outcome.DENIED,
        "wrong username or password",
    )


def locked_out(
    sender: Any, request: HttpRequest | None, username: str | None = None, **kwargs: Any
) -> None:
    if not username:
        return
    Profile.objects.filter(user__username=username, locked_at=None).update(
        locked_at=timezone.now()
    )
    _record(
        _actor(username, request),
        Action.ACCOUNT_LOCKED,
        Outcome.DENIED,
        "5 failed sign-ins within 15 minutes",
    )


def user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Accounts are disabled, not removed; when one is removed, its name is retired."""
    RetiredUsername.objects.create(username=instance.get_username())
