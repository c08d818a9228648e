"""One search, whoever asks: the page and the integration API share it.

The Policy in force, the user's capabilities and training, the purpose and
case number, the hold for immigration words (R32), then the query under its
time limit, then the access record with the full query, then the results: in
that order, so nothing is shown that was not recorded first (R13, R14).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from platekeeper.accounts.access import gate, gate_of
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.policy.capabilities import SEARCH_CAPABILITIES, Capability
from platekeeper.policy.models import current_rules, rules_of
from platekeeper.policy.rules import Purpose, Training
from platekeeper.reads.models import Camera, PlateRead, visible_agencies
from platekeeper.search import counts, holds, queries
from platekeeper.search.forms import SearchForm
from platekeeper.search.limits import TooSlow, time_limit


@dataclass
class Search:
    """What came of a search: results with their record, or the recorded refusal."""

    status: int
    form: SearchForm | None = None
    reads: list[PlateRead] = field(default_factory=list)
    more: bool = False
    count: str = ""
    cursor: str = ""
    access: AccessRecord | None = None
    purpose: Purpose | None = None
    policy_version: int | None = None
    refused: str = ""
    held: bool = False
    lacking: list[Training] = field(default_factory=list)
    # Older reads the Policy opens only with a reason were left out (no reason given).
    withheld: bool = False


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


# A camera of the user's agency: id, name, latitude, longitude.
AgencyCamera = tuple[int, str, float | None, float | None]


def agency_cameras(user: Any, request: HttpRequest | None = None) -> list[AgencyCamera]:
    """The user's agency's cameras by name, with their places: the search form
    lists them and the map marks them, from one read a request."""
    if request is not None and hasattr(request, "agency_cameras"):
        cached: list[AgencyCamera] = request.agency_cameras
        return cached
    profile = getattr(user, "profile", None)
    found: list[AgencyCamera] = (
        list(
            Camera.objects.filter(agency_id=profile.agency_id)
            .order_by("name")
            .values_list("id", "name", "latitude", "longitude")
        )
        if profile is not None
        else []
    )
    if request is not None:
        request.agency_cameras = found  # type: ignore[attr-defined]
    return found


def plate_search(
    user: Any,
    actor: Actor,
    data: Any,
    via: str = "web",
    *,
    action: Action = Action.SEARCH,
    size: int | None = None,
    export: str = "",
    request: HttpRequest | None = None,
) -> Search:
    """Run the search `data` asks for (None: only check that the user may search).
    An export is the same search, recorded as one, with up to `size` results.
    With the `request`, the Policy and the user's gate it already worked out
    are used rather than read again."""
    extra: dict[str, Any] = {"via": via} if via != "web" else {}
    if export:
        extra["export"] = export
    in_force = rules_of(request) if request is not None else current_rules()
    if in_force is None:
        reason = "no Policy is published: ALPR data cannot be used"
        return _refuse(actor, None, data or {}, reason, 503, **extra)
    version, rules = in_force
    permits = gate_of(request) if request is not None else gate(user, rules)
    caps = permits.capabilities
    if needed := permits.training_for(SEARCH_CAPABILITIES):
        courses = ", ".join(t.code for t in needed)
        reason = f"training missing or expired: {courses}"
        refused = _refuse(actor, None, data or {}, reason, 403, **extra)
        refused.lacking = needed
        return refused
    cameras = [(i, name) for i, name, _, _ in agency_cameras(user, request)]
    form = SearchForm(data, rules=rules, cameras=cameras)
    if not caps & SEARCH_CAPABILITIES:
        form.is_valid()
        reason = "your job title may not search ALPR data"
        bound = form if data is not None else None
        return _refuse(actor, bound, data or {}, reason, 403, **extra)
    if export and Capability.EXPORT not in caps:
        form.is_valid()
        return _refuse(
            actor, form, data, "your job title may not export ALPR data", 403, **extra
        )
    if data is None:
        return Search(200, form)
    if not form.is_valid():
        return _refuse(actor, form, data, form.refusal(), 400, **extra)
    cleaned = {**form.cleaned_data, "area": form.area()}
    if not cleaned.get("plate") and Capability.CANVASS not in caps:
        reason = "searching an area or cameras without a plate is a canvass: not for your title"
        return _refuse(actor, form, data, reason, 403, **extra)
    if words := form.immigration_words():
        if not holds.take_release(user, form):
            hold = holds.hold(user, form, words)
            reason = (
                f"held for supervisor review (hold {hold.pk}): the purpose mentions "
                f"{', '.join(words)}; ALPR data may not serve immigration enforcement"
            )
            refused = _refuse(
                actor, form, data, reason, 403, flag="immigration", **extra
            )
            refused.held = True
            return refused
    # The agencies the user sees, read once: the reads and the count both ask.
    agencies = visible_agencies(user)
    searchable, withheld = queries.without_reason(
        queries.searchable_reads(user, caps, rules, agencies),
        rules,
        cleaned["justification"],
    )
    if withheld:
        extra["older_reads_withheld"] = True
    plates_ = queries.plates_of(cleaned)
    reads = queries.filtered(searchable, cleaned, plates_=plates_)
    window = queries.window_days(caps, rules)
    scope = counts.scope_of(agencies, cleaned, plates_, window, rules, withheld)
    try:
        with time_limit():
            found = queries.page(reads, cleaned, size or queries.PAGE, scope)
            # Counting is a second pass over the matches: only when the page's
            # own pass could not tell and there is more to show.
            if found.total is not None:
                count = queries.capped(found.total)
            elif found.more or cleaned.get("after"):
                count = queries.capped_count(reads, cleaned["area"])
            else:
                count = f"{len(found.reads):,}"
    except TooSlow as exc:
        return _refuse(actor, form, data, f"{exc}: narrow it", 400, **extra)
    purpose = rules.purpose(cleaned["purpose"])
    assert purpose is not None  # the form only takes the Policy's purposes
    access = record_access(
        actor,
        Entry(
            action,
            {
                **form.criteria(),
                "window_days": queries.window_days(caps, rules),
                **extra,
            },
            purpose=purpose.code,
            case_number=cleaned["case_number"],
            justification=cleaned["justification"],
            result_ids=found.ids,
            result_count=len(found.ids),
            policy_version=version.number,
        ),
    )
    return Search(
        200,
        form,
        found.reads,
        found.more,
        count,
        found.cursor,
        access,
        purpose,
        version.number,
        withheld=withheld,
    )
