"""Who may do what: the published Policy's capabilities for the user's job title,
less those that missing or expired training withholds."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from platekeeper.accounts import training
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules, Training


class AuthenticatedHttpRequest(HttpRequest):
    user: Any


@dataclass(frozen=True)
class Gate:
    """What the user may do now, what the job title would allow, and the training
    missing or expired."""

    capabilities: frozenset[Capability] = frozenset()
    titled: frozenset[Capability] = frozenset()
    lacking: tuple[Training, ...] = ()

    def training_for(self, wanted: Set[Capability]) -> list[Training]:
        """The missing courses that keep from the user what the title grants of
        `wanted` (empty: training is not the reason)."""
        withheld = (self.titled & wanted) - self.capabilities
        return [t for t in self.lacking if any(t.gates(c) for c in withheld)]


def gate(user: Any, rules: Rules | None) -> Gate:
    profile = getattr(user, "profile", None)
    if rules is None or profile is None or not user.is_active:
        return Gate()
    titled = rules.capabilities_of(profile.job_title)
    if not titled:
        return Gate()
    lacking = training.missing(user, rules, timezone.localdate())
    return Gate(training.allowed(titled, lacking), titled, tuple(lacking))


def gate_of(request: HttpRequest) -> Gate:
    """The user's gate under the Policy in force, worked out once per request
    (the page's guard, the view and the header all ask)."""
    if not hasattr(request, "alpr_gate"):
        from platekeeper.policy.models import rules_of

        found = rules_of(request)
        request.alpr_gate = gate(  # type: ignore[attr-defined]
            getattr(request, "user", None), found[1] if found else None
        )
    found_gate: Gate = request.alpr_gate  # type: ignore[attr-defined]
    return found_gate


def capabilities(
    user: AbstractBaseUser | AnonymousUser, rules: Rules | None
) -> frozenset[Capability]:
    """What the user may do under `rules` now; nothing without a profile or a Policy."""
    return gate(user, rules).capabilities


def holders(agency: Any, capability: Capability, rules: Rules) -> list[Any]:
    """The agency's active users who may do `capability` now (whom to tell)."""
    from django.contrib.auth.models import User

    users = User.objects.filter(profile__agency=agency, is_active=True).select_related(
        "profile"
    )
    return [u for u in users if capability in capabilities(u, rules)]
