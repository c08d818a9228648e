"""Monitoring (Policy 427.2.1(c), R43): the audit flags as they happen.

Every few minutes the scheduler looks at the searches and exports recorded
since its last look; each flagged one is written to the log (`flag_raised`,
naming the record and its flags) and the agency's auditors are told by e-mail,
which names the flags and the record's code, never the plate.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction

from platekeeper.accounts.access import capabilities
from platekeeper.audit import flags
from platekeeper.audit.models import AccessRecord, Action, MonitorState, Outcome
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules

SYSTEM = Actor.system("monitor")
BATCH = 5000


def run(rules: Rules) -> list[tuple[AccessRecord, list[str]]]:
    """Flag what was recorded since the last run; returns what was raised."""
    with transaction.atomic():
        state, _ = MonitorState.objects.select_for_update().get_or_create(pk=1)
        new = list(
            AccessRecord.objects.filter(
                id__gt=state.last_record_id,
                action__in=flags.SEARCHES,
                outcome=Outcome.ALLOWED,
            ).order_by("id")[:BATCH]
        )
        if not new:
            return []
        marks = flags.flag(new, rules.audits)
        raised = [(r, marks[r.id]) for r in new if r.id in marks]
        for record, found in raised:
            record_in_action(
                SYSTEM,
                Entry(
                    Action.FLAG_RAISED,
                    {
                        "record": str(record.code),
                        "flags": found,
                        "user": record.actor_username,
                        "agency": record.actor_agency_ori,
                    },
                    outcome=Outcome.DENIED,
                    reason=", ".join(flags.FLAGS[f] for f in found),
                ),
            )
        state.last_record_id = new[-1].id
        state.save(update_fields=["last_record_id"])
    _tell_auditors(raised, rules)
    return raised


def _tell_auditors(raised: list[tuple[AccessRecord, list[str]]], rules: Rules) -> None:
    by_agency: dict[str, list[str]] = defaultdict(list)
    for record, found in raised:
        by_agency[record.actor_agency_ori].append(
            f"{record.at:%Y-%m-%d %H:%M} {record.actor_username} ({record.code}): "
            + ", ".join(flags.FLAGS[f] for f in found)
        )
    for ori, lines in by_agency.items():
        auditors: list[Any] = [
            u
            for u in User.objects.filter(profile__agency__ori=ori, is_active=True)
            if Capability.REVIEW_AUDIT in capabilities(u, rules) and u.email
        ]
        if auditors:
            send_mail(
                f"Platekeeper: {len(lines)} flagged ALPR accesses",
                "Flagged by monitoring (open them in the audit log):\n"
                + "\n".join(lines),
                None,
                [u.email for u in auditors],
            )
