"""The one write path to the audit log.

`record_access` is called by every view that shows ALPR data, after the query
and before the first byte of the response: it commits on its own, durably, and
if it cannot, the view must show nothing (AccessNotRecorded -> 503).
`record_in_action` is called by actions, inside their transaction, so the state
change and its record commit or roll back together.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from platekeeper.audit.models import GENESIS, AccessRecord, Action, Outcome

logger = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every process.
CHAIN_LOCK_KEY = 0x504C4B41  # "PLKA"


class AccessNotRecorded(Exception):
    """The access record could not be written, so the data must not be shown."""


@dataclass(frozen=True)
class Actor:
    username: str
    agency: str = ""
    agency_ori: str = ""
    user_id: int | None = None
    client_address: str | None = None

    @classmethod
    def of_user(cls, user: Any, client_address: str | None = None) -> Actor:
        profile = getattr(user, "profile", None)
        return cls(
            username=user.get_username(),
            agency=profile.organization[:200] if profile else "",
            agency_ori=profile.agency.ori if profile else "",
            user_id=user.pk,
            client_address=client_address,
        )

    @classmethod
    def of_request(cls, request: HttpRequest) -> Actor:
        return cls.of_user(request.user, request.META.get("REMOTE_ADDR"))

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(username=f"system:{job}")


@dataclass(frozen=True)
class Entry:
    """What one audit entry says, apart from who, when and the chain."""

    action: Action
    criteria: dict[str, Any]
    purpose: str = ""
    case_number: str = ""
    justification: str = ""
    result_ids: Sequence[int | str] = ()
    result_count: int | None = None
    outcome: Outcome = Outcome.ALLOWED
    reason: str = ""
    # The Policy version in force, when the caller has just read it (saves a query).
    policy_version: int | None = None


def record_access(actor: Actor, entry: Entry) -> AccessRecord:
    """Write and commit the record of an access to ALPR data, or raise AccessNotRecorded."""
    try:
        with transaction.atomic(durable=True):
            return _append(actor, entry)
    except DatabaseError as exc:
        logger.critical("access record could not be written: %s", exc)
        from platekeeper.audit import outage

        outage.report(str(exc))
        raise AccessNotRecorded(str(exc)) from exc


def record_in_action(actor: Actor, entry: Entry) -> AccessRecord:
    """Write the record of a state change inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_in_action must run inside the action's transaction")
    return _append(actor, entry)


def _lock_chain_head() -> None:
    # SQLite: every transaction here begins IMMEDIATE (settings), which already
    # holds the database's single write lock. PostgreSQL: an advisory lock held
    # to the end of the transaction, so two writers never read the same head.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _append(actor: Actor, entry: Entry) -> AccessRecord:
    from platekeeper.policy.models import PolicyVersion

    _lock_chain_head()
    head = AccessRecord.objects.order_by("-id").values_list("hash", flat=True).first()
    version = entry.policy_version
    if version is None:
        current = PolicyVersion.objects.current()
        version = current.number if current else None
    record = AccessRecord(
        at=timezone.now(),
        actor_id=actor.user_id,
        actor_username=actor.username,
        actor_agency=actor.agency,
        actor_agency_ori=actor.agency_ori,
        action=entry.action,
        criteria=entry.criteria,
        purpose=entry.purpose,
        case_number=entry.case_number,
        justification=entry.justification,
        result_ids=list(entry.result_ids),
        result_count=(
            entry.result_count
            if entry.result_count is not None
            else len(entry.result_ids)
        ),
        client_address=actor.client_address,
        outcome=entry.outcome,
        reason=entry.reason,
        policy_version=version,
        prev_hash=head or GENESIS,
    )
    record.hash = record.compute_hash()
    record.save()
    return record
