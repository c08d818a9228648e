"""Live alerts: an async Server-Sent Events view.

The stream sends each new alert the user may see (never a covert list's to
anyone outside its audience: the filter runs on the server, so the bytes are
not there), carrying only the plate, the list and "verify before acting".
It polls the alerts table, so it works whichever process stored the read.
It does not keep the session alive: it is `passive`, and it ends itself when
the session would have ended (idle, 12 hours, signed out).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import close_old_connections
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils import timezone

from platekeeper.accounts import sessions, terminals
from platekeeper.accounts.access import capabilities
from platekeeper.accounts.middleware import passive
from platekeeper.hotlists import alerts
from platekeeper.hotlists.models import Alert
from platekeeper.hotlists.views import ALERT_CAPABILITIES
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import Rules, Sessions

# A poll is one primary-key probe unless an alert is newer than the last sent.
POLL_SECONDS = 0.1
PING_SECONDS = 15.0
SESSION_CHECK_SECONDS = 5.0
VERIFY = "Unverified: confirm through CLETS before acting (Policy 427.3(f))"


def _new_alerts(user: Any, rules: Rules, after: int) -> list[dict[str, Any]]:
    try:
        if not Alert.objects.filter(id__gt=after).exists():
            return []
        rows = (
            alerts.visible_alerts(user, rules)
            .filter(id__gt=after)
            .order_by("id")
            .values_list(
                "id", "hit__plate", "hot_list__name", "hot_list__priority", "hit__how"
            )[:50]
        )
        return [
            {
                "id": alert_id,
                "plate": plate,
                "list": name,
                "priority": priority,
                "possible": how != "exact",
                "url": f"/alerts/{alert_id}/",
                "verify": VERIFY,
            }
            for alert_id, plate, name, priority, how in rows
        ]
    finally:
        close_old_connections()


def _session_over(session_key: str | None, limits: Sessions, exempt: bool) -> bool:
    """Whether the stream's session has ended since it began (read afresh)."""
    try:
        engine = import_module(settings.SESSION_ENGINE)
        store: SessionBase = engine.SessionStore(session_key)
        state = (
            sessions.state(store) if session_key and store.exists(session_key) else None
        )
        if state is None:
            return True
        now = timezone.now()
        if now - state.authenticated_at > limits.reauthenticate:
            return True
        return not exempt and now - state.seen_at > limits.idle
    finally:
        close_old_connections()


def _setup(request: HttpRequest) -> tuple[Any, Rules, bool] | None:
    user: Any = request.user
    found = current_rules()
    if not user.is_authenticated or found is None:
        return None
    rules = found[1]
    if not capabilities(user, rules) & ALERT_CAPABILITIES:
        return None
    return user, rules, terminals.exempt(request, user, rules.sessions)


async def _events(
    user: Any, rules: Rules, after: int, session_key: str | None, exempt: bool
) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    checked = pinged = time.monotonic()
    while True:
        for event in await sync_to_async(_new_alerts, thread_sensitive=False)(
            user, rules, after
        ):
            after = event["id"]
            yield f"id: {after}\nevent: alert\ndata: {json.dumps(event)}\n\n"
        now = time.monotonic()
        if now - checked >= SESSION_CHECK_SECONDS:
            checked = now
            over = await sync_to_async(_session_over, thread_sensitive=False)(
                session_key, rules.sessions, exempt
            )
            if over:
                yield 'event: ended\ndata: {"sign_in": "/login/"}\n\n'
                return
        if now - pinged >= PING_SECONDS:
            pinged = now
            yield ": ping\n\n"
        await asyncio.sleep(POLL_SECONDS)


@passive
async def alert_stream(request: HttpRequest) -> HttpResponseBase:
    ready = await sync_to_async(_setup)(request)
    if ready is None:
        return HttpResponse(
            "no alert stream for this session", status=403, content_type="text/plain"
        )
    user, rules, exempt = ready
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    after = int(raw) if raw.isdigit() else 0
    response = StreamingHttpResponse(
        _events(user, rules, after, request.session.session_key, exempt),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must not hold events back
    return response
