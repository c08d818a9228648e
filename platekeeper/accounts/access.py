"""Who may do what: the published Policy's capabilities for the user's job title,
less those that missing or expired training withholds."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import timezone

from platekeeper.accounts import training
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import Rules, Training


class AuthenticatedHttpRequest(HttpRequest):
    user: Any


def capabilities(
    user: AbstractBaseUser | AnonymousUser, rules: Rules | None
) -> frozenset[Capability]:
    """What the user may do under `rules` now; nothing without a profile or a Policy."""
    return gate(user, rules)[0]


def gate(
    user: Any, rules: Rules | None
) -> tuple[frozenset[Capability], list[Training]]:
    """(what the user may do now, the training whose lack withholds the rest)."""
    profile = getattr(user, "profile", None)
    if rules is None or profile is None or not user.is_active:
        return frozenset(), []
    titled = rules.capabilities_of(profile.job_title)
    if not titled:
        return titled, []
    lacking = training.missing(user, rules, timezone.localdate())
    return training.allowed(titled, lacking), lacking


def policy_in_force() -> tuple[PolicyVersion, Rules] | None:
    version = PolicyVersion.objects.current()
    return (version, version.parsed) if version else None
