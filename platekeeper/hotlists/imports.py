"""Loading a hot-list file: every good line, every bad one reported (R36).

A refresh replaces the list's live entries in one transaction: the old ones
are retired (kept for the hits that name them), the new ones inserted, and
processes learn of it through the generation counter. A file that puts person
details (name, date of birth, address, charges) on a list not classified CJI
is refused whole (R39): nothing is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, record_in_action
from platekeeper.audit.record import Entry as AuditEntry
from platekeeper.hotlists import categories
from platekeeper.hotlists.layouts import PERSON_FIELDS, Layout
from platekeeper.hotlists.matching import bump
from platekeeper.hotlists.models import Entry, HotList
from platekeeper.lib import plates
from platekeeper.policy.rules import Rules

BATCH = 5000


class Refused(ValueError):
    """The whole file is refused; nothing was loaded."""


@dataclass
class Report:
    lines: int = 0
    loaded: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)


def _entry(
    hot_list: HotList, fields: dict[str, Any], rules: Rules, now: datetime, actor: Actor
) -> Entry:
    """An unsaved entry from a line's fields; ValueError says what is wrong."""
    pattern = plates.Pattern.parse(str(fields["plate"]))
    if pattern.is_wildcard and hot_list.source != HotList.Source.AGENCY:
        raise ValueError("partial plate on a list that is not the agency's own")
    plate = pattern.text if pattern.is_wildcard else plates.clean(pattern.text)
    category = str(fields.get("category", ""))
    if category not in categories.CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    state = str(fields.get("state", "")).upper()
    if state and (len(state) != 2 or not state.isalpha()):
        raise ValueError(f"state {state!r} is not a two-letter code")
    expires = fields.get("expires_on")
    if hot_list.source == HotList.Source.AGENCY and expires is None:
        expires_at: datetime | None = now + timedelta(days=rules.hot_lists.entry_days)
    else:
        expires_at = datetime.combine(expires, time.max, UTC) if expires else None
    entered = fields.get("entered_on")
    return Entry(
        hot_list=hot_list,
        plate=plate,
        is_pattern=pattern.is_wildcard,
        state=state,
        plate_type=str(fields.get("plate_type", ""))[:2],
        category=category,
        record_id=str(fields.get("record_id", ""))[:40],
        ori=str(fields.get("ori", ""))[:9],
        vehicle=str(fields.get("vehicle", ""))[:200],
        details={k: str(v) for k, v in fields.items() if k in PERSON_FIELDS},
        entered_by=actor.username,
        purpose=hot_list.purpose,
        case_number=hot_list.case_number,
        entered_at=datetime.combine(entered, time.min, UTC) if entered else now,
        expires_at=expires_at,
    )


def refresh(
    hot_list: HotList,
    lines: Iterable[str],
    layout: Layout,
    *,
    actor: Actor,
    rules: Rules,
) -> Report:
    """Replace the list's entries with the file's good lines."""
    now = timezone.now()
    report = Report()
    entries: list[Entry] = []
    for number, fields, why in layout.records(iter(lines)):
        report.lines += 1
        if fields is None:
            report.bad.append((number, why))
            continue
        person = sorted(PERSON_FIELDS & fields.keys())
        if person and not hot_list.cji_source:
            raise Refused(
                f"line {number} carries person details ({', '.join(person)}); only a "
                "list classified CJI may hold them (R39). Nothing was loaded."
            )
        try:
            entries.append(_entry(hot_list, fields, rules, now, actor))
        except (ValueError, plates.PlateError) as exc:
            report.bad.append((number, str(exc)))
    with transaction.atomic():
        Entry.objects.filter(hot_list=hot_list, retired_at=None).update(retired_at=now)
        for start in range(0, len(entries), BATCH):
            Entry.objects.bulk_create(entries[start : start + BATCH])
        HotList.objects.filter(pk=hot_list.pk).update(last_refreshed_at=now)
        hot_list.last_refreshed_at = now
        bump()
        report.loaded = len(entries)
        record_in_action(
            actor,
            AuditEntry(
                Action.HOTLIST_REFRESHED,
                {
                    "hot_list": hot_list.name,
                    "layout": layout.name,
                    "loaded": report.loaded,
                    "bad_lines": len(report.bad),
                },
                result_count=report.loaded,
            ),
        )
    return report


def ncic_bound(hot_list: HotList) -> list[Entry]:
    """The entries that may go to NCIC/SVS: never a partial plate (R37)."""
    return list(
        Entry.objects.filter(
            hot_list=hot_list, retired_at=None, is_pattern=False
        ).order_by("plate")
    )
