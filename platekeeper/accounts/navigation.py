"""The pages a user's title opens, for the header (a context processor)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from platekeeper.accounts.access import gate_of
from platekeeper.policy.capabilities import Capability as C
from platekeeper.policy.models import rules_of

PAGES = [
    ("Alerts", "hotlists-alerts", {C.HANDLE_ALERTS, C.MANAGE_HOTLISTS}),
    ("Search", "search-form", {C.SEARCH_FULL, C.SEARCH_RECENT}),
    ("Canvass", "search-canvass", {C.CANVASS}),
    ("Read a photo", "recognition-photo", {C.SEARCH_FULL, C.SEARCH_RECENT}),
    ("Cameras", "reads-cameras", {C.MANAGE_CAMERAS}),
    ("Terminals", "accounts-terminals", {C.MANAGE_ACCOUNTS}),
    ("Audit log", "audit-log", {C.REVIEW_AUDIT}),
    ("Audits", "audit-audits", {C.REVIEW_AUDIT}),
    ("Account review", "accounts-review", {C.REVIEW_AUDIT}),
    ("Held searches", "search-holds", {C.APPROVE_SHARING}),
    ("Legal holds", "retention-holds", {C.HOLD_EVIDENCE, C.MANAGE_RETENTION}),
    ("Retention", "retention-status", {C.MANAGE_RETENTION, C.PUBLISH_POLICY}),
    ("Sharing", "sharing-requests", {C.RELEASE_RECORDS, C.APPROVE_SHARING}),
]


def nav(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    found = rules_of(request)
    caps = gate_of(request).capabilities
    return {
        "nav": [(label, reverse(name)) for label, name, needs in PAGES if caps & needs],
        # Gov. Code 34090.6: a standing warning until the Policy names it.
        "no_destruction_authority": bool(
            found and caps and not found[1].destruction_authority
        ),
    }
