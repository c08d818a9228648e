"""State changes of the Policy; each is recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy import page
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import Rules


class InvalidTransition(Exception):
    pass


class IncompletePolicy(ValueError):
    pass


@transaction.atomic
def save_draft(
    rules: Rules | dict[str, Any], *, actor: Actor, note: str = ""
) -> PolicyVersion:
    """Save a new draft version (validated) for later publication."""
    parsed = rules if isinstance(rules, Rules) else Rules.model_validate(rules)
    number = (PolicyVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = PolicyVersion.objects.create(
        number=number,
        rules=parsed.model_dump(mode="json"),
        note=note,
        created_by_id=actor.user_id,
    )
    record_in_action(actor, Entry(Action.POLICY_DRAFTED, {"policy_version": number}))
    return draft


@transaction.atomic
def publish(draft: PolicyVersion, *, actor: Actor) -> PolicyVersion:
    """Put a draft in force. The version it replaces stays readable."""
    missing = draft.parsed.missing_elements()  # ValidationError: unenforceable
    if missing:
        raise IncompletePolicy(
            "a published policy holds all seven elements of Civil Code 1798.90.51(b)(2); "
            f"missing: {', '.join(missing)}"
        )
    n = PolicyVersion.objects.filter(
        pk=draft.pk, status=PolicyVersion.Status.DRAFT
    ).update(
        status=PolicyVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        published_by_username=actor.username,
    )
    if n != 1:  # published (or removed) by someone else first
        raise InvalidTransition(f"Policy v{draft.number} is not a draft")
    draft.refresh_from_db()
    # The text is frozen as it reads now; update(), because a published
    # version's save() refuses every change.
    text = page.render(draft)
    PolicyVersion.objects.filter(pk=draft.pk).update(rendered=text)
    draft.rendered = text
    record_in_action(
        actor, Entry(Action.POLICY_PUBLISHED, {"policy_version": draft.number})
    )
    return draft


def publish_profile(profile_rules: Rules, *, actor: Actor, note: str) -> PolicyVersion:
    with transaction.atomic():
        return publish(save_draft(profile_rules, actor=actor, note=note), actor=actor)
