"""Hot-list state changes, each audited in its own transaction (R15, R27)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, record_in_action
from platekeeper.audit.record import Entry as AuditEntry
from platekeeper.hotlists import categories, lookback
from platekeeper.hotlists.matching import Seen, bump, record_hits
from platekeeper.hotlists.models import Entry, HotList
from platekeeper.lib import plates
from platekeeper.policy.rules import Rules
from platekeeper.reads.models import PlateRead


class Refused(ValueError):
    """The change breaks a rule; the message says which."""


def create_list(
    agency: Any, name: str, source: str, *, actor: Actor, **fields: Any
) -> HotList:
    """A new hot list. An agency list needs the case it serves (R15: no personal lists)."""
    if source == HotList.Source.AGENCY and not fields.get("case_number"):
        raise Refused("an agency hot list needs a case number (R15: no personal lists)")
    with transaction.atomic():
        hot_list = HotList.objects.create(
            agency=agency, name=name, source=source, created_by=actor.username, **fields
        )
        record_in_action(
            actor,
            AuditEntry(
                Action.HOTLIST_CREATED,
                {"hot_list": name, "source": source, "covert": hot_list.covert},
                purpose=hot_list.purpose,
                case_number=hot_list.case_number,
            ),
        )
    return hot_list


def _plate_of(text: str, hot_list: HotList) -> tuple[str, bool]:
    """The entry's plate and whether it is a pattern; partial plates only on agency lists."""
    pattern = plates.Pattern.parse(text)
    if pattern.is_wildcard:
        if hot_list.source != HotList.Source.AGENCY:
            raise Refused(
                "partial plates go only on agency lists (NCIC: no partial numbers)"
            )
        return pattern.text, True
    return plates.clean(text), False


def add_entry(
    hot_list: HotList,
    plate: str,
    *,
    actor: Actor,
    rules: Rules,
    purpose: str,
    case_number: str,
    category: str = "major_crime",
    now: datetime | None = None,
    **fields: Any,
) -> tuple[Entry, int]:
    """A user's entry: purpose and case number required, expiring after the
    Policy's days (R27). Returns the entry and how many stored reads it hit."""
    now = now or timezone.now()
    if rules.purpose(purpose) is None:
        raise Refused(f"{purpose!r} is not an authorized purpose of the Policy")
    if not case_number.strip():
        raise Refused("an entry needs a case number (R15)")
    if category not in categories.CATEGORIES:
        raise Refused(f"unknown category {category!r}")
    try:
        text, is_pattern = _plate_of(plate, hot_list)
    except plates.PlateError as exc:
        raise Refused(str(exc)) from exc
    with transaction.atomic():
        entry = Entry.objects.create(
            hot_list=hot_list,
            plate=text,
            is_pattern=is_pattern,
            category=category,
            entered_by=actor.username,
            purpose=purpose,
            case_number=case_number.strip(),
            entered_at=now,
            expires_at=now + timedelta(days=rules.hot_lists.entry_days),
            **fields,
        )
        bump()
        record_in_action(
            actor,
            AuditEntry(
                Action.ENTRY_ADDED,
                {"hot_list": hot_list.name, "plate": text, "pattern": is_pattern},
                purpose=purpose,
                case_number=entry.case_number,
            ),
        )
    return entry, look_back(entry, actor=actor, rules=rules, now=now)


def look_back(entry: Entry, *, actor: Actor, rules: Rules, now: datetime) -> int:
    """Check the agency's stored reads of the Policy's look-back against a new
    entry; the look-back is a search of ALPR data and recorded as one."""
    days = rules.hot_lists.look_back_days
    if days == 0:
        return 0
    found = lookback.matching_plates(
        entry.plate, entry.is_pattern, entry.hot_list.misread_tolerant
    )
    reads = list(
        PlateRead.objects.filter(
            plate_id__in=list(found),
            camera__agency_id=entry.hot_list.agency_id,
            captured_at__gte=now - timedelta(days=days),
        ).values_list("id", "camera_id", "plate_id", "plate_text", "confidence")
    )
    agency = entry.hot_list.agency_id
    pairs = [
        (Seen(read_id, camera_id, agency, text, conf), entry.id, found[plate_id])
        for read_id, camera_id, plate_id, text, conf in reads
    ]
    with transaction.atomic():
        record_in_action(
            actor,
            AuditEntry(
                Action.LOOK_BACK,
                {"hot_list": entry.hot_list.name, "plate": entry.plate, "days": days},
                purpose=entry.purpose,
                case_number=entry.case_number,
                result_ids=[p[0].read_id for p in pairs],
            ),
        )
        if pairs:
            record_hits(pairs, rules, retroactive=True)
    return len(pairs)


@transaction.atomic
def renew_entry(entry: Entry, *, actor: Actor, rules: Rules, case_number: str) -> None:
    """Another `entry_days` for a user's entry, with the case it still serves."""
    if not case_number.strip():
        raise Refused("renewing needs the case number it still serves")
    entry.expires_at = timezone.now() + timedelta(days=rules.hot_lists.entry_days)
    entry.case_number = case_number.strip()
    entry.save(update_fields=["expires_at", "case_number"])
    bump()
    record_in_action(
        actor,
        AuditEntry(
            Action.ENTRY_RENEWED,
            {"hot_list": entry.hot_list.name, "plate": entry.plate},
            purpose=entry.purpose,
            case_number=entry.case_number,
        ),
    )


@transaction.atomic
def clear_entry(entry: Entry, *, actor: Actor, reason: str) -> None:
    """Recovered or cleared here: no alerts until the next refresh of its list."""
    entry.cleared_at = timezone.now()
    entry.cleared_by = actor.username
    entry.cleared_reason = reason[:200]
    entry.save(update_fields=["cleared_at", "cleared_by", "cleared_reason"])
    bump()
    record_in_action(
        actor,
        AuditEntry(
            Action.ENTRY_CLEARED,
            {"hot_list": entry.hot_list.name, "plate": entry.plate},
            reason=reason[:500],
        ),
    )
