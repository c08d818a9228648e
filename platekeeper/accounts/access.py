"""Who may do what: the published Policy's capabilities for the user's job title."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import Rules


class AuthenticatedHttpRequest(HttpRequest):
    user: Any


def capabilities(
    user: AbstractBaseUser | AnonymousUser, rules: Rules | None
) -> frozenset[Capability]:
    """What the user may do under `rules`; nothing without a profile or a Policy."""
    profile = getattr(user, "profile", None)
    if rules is None or profile is None or not user.is_active:
        return frozenset()
    return rules.capabilities_of(profile.job_title)


def policy_in_force() -> tuple[PolicyVersion, Rules] | None:
    version = PolicyVersion.objects.current()
    return (version, version.parsed) if version else None
