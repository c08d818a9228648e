"""Whether a user's training is current (Policy 427.3(d), R3)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Max

from platekeeper.accounts.models import TrainingRecord
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules, Training


def missing(user: Any, rules: Rules, today: date) -> list[Training]:
    """The Policy's courses the user has never completed, or whose validity ran out."""
    if not rules.training:
        return []
    latest = dict(
        TrainingRecord.objects.filter(user=user)
        .values("course")
        .annotate(last=Max("completed_on"))
        .values_list("course", "last")
    )
    return [
        t
        for t in rules.training
        if t.code not in latest or latest[t.code] + timedelta(days=t.valid_days) < today
    ]


def allowed(
    capabilities: frozenset[Capability], lacking: list[Training]
) -> frozenset[Capability]:
    """The capabilities that no missing course gates."""
    return frozenset(c for c in capabilities if not any(t.gates(c) for t in lacking))
