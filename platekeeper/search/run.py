"""One plate search, whoever asks: the page and the integration API share it.

The Policy in force, the user's capabilities and training, the purpose and
case number, then the access record, then the results: in that order, so
nothing is shown that was not recorded first (R13, R14).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from platekeeper.accounts.access import gate
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import SEARCH_CAPABILITIES
from platekeeper.policy.models import current_rules
from platekeeper.policy.rules import Purpose, Training
from platekeeper.reads.models import PlateRead
from platekeeper.search import queries
from platekeeper.search.forms import SearchForm


@dataclass
class Search:
    """What came of a search: results with their record, or the recorded refusal."""

    status: int
    form: SearchForm | None = None
    reads: list[PlateRead] = field(default_factory=list)
    more: bool = False
    access: AccessRecord | None = None
    purpose: Purpose | None = None
    policy_version: int | None = None
    refused: str = ""
    lacking: list[Training] = field(default_factory=list)


def _refuse(
    actor: Actor,
    form: SearchForm | None,
    data: Any,
    reason: str,
    status: int,
    **extra: Any,
) -> Search:
    """Record the refused attempt, then say why (R12, R14)."""
    if form is not None:
        criteria = form.criteria()
    else:
        criteria = {"plate": data["plate"]} if data.get("plate") else {}
    record_access(
        actor,
        Entry(
            Action.SEARCH,
            {**criteria, **extra},
            purpose=str(data.get("purpose", ""))[:200],
            case_number=str(data.get("case_number", ""))[:64],
            justification=str(data.get("justification", ""))[:1000],
            outcome=Outcome.DENIED,
            reason=reason,
        ),
    )
    return Search(status, form, refused=reason)


def plate_search(user: Any, actor: Actor, data: Any, via: str = "web") -> Search:
    """Run the search `data` asks for (None: only check that the user may search)."""
    extra = {"via": via} if via != "web" else {}
    in_force = current_rules()
    if in_force is None:
        reason = "no Policy is published: ALPR data cannot be used"
        return _refuse(actor, None, data or {}, reason, 503, **extra)
    version, rules = in_force
    permits = gate(user, rules)
    caps = permits.capabilities
    if needed := permits.training_for(SEARCH_CAPABILITIES):
        courses = ", ".join(t.code for t in needed)
        refused = _refuse(
            actor,
            None,
            data or {},
            f"training missing or expired: {courses}",
            403,
            **extra,
        )
        refused.lacking = needed
        return refused
    form = (
        SearchForm(data, rules=rules) if data is not None else SearchForm(rules=rules)
    )
    if not caps & SEARCH_CAPABILITIES:
        form.is_valid()
        reason = "your job title may not search ALPR data"
        return _refuse(
            actor, form if data is not None else None, data or {}, reason, 403, **extra
        )
    if data is None:
        return Search(200, form)
    if not form.is_valid():
        return _refuse(actor, form, data, form.refusal(), 400, **extra)
    rows, more = queries.exact_plate(
        queries.searchable_reads(user, caps, rules), form.cleaned_data["plate"]
    )
    purpose = rules.purpose(form.cleaned_data["purpose"])
    assert purpose is not None  # the form only takes the Policy's purposes
    access = record_access(
        actor,
        Entry(
            Action.SEARCH,
            {
                **form.criteria(),
                "window_days": queries.window_days(caps, rules),
                **extra,
            },
            purpose=purpose.code,
            case_number=form.cleaned_data["case_number"],
            justification=form.cleaned_data["justification"],
            result_ids=[r.id for r in rows],
            policy_version=version.number,
        ),
    )
    return Search(200, form, rows, more, access, purpose, version.number)
