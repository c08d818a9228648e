"""Who sees which alert, and what people do with one (Policy 427.3(f), R38).

An alert goes to the owning agency's users whose title handles alerts; a
covert list's only to its owners and the agency's hot-list administrators.
Record details of a CJI list show only to holders of that data source's grant
(R39); everyone else sees that there is a hit and what to do.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from platekeeper.accounts import lifecycle
from platekeeper.accounts.access import capabilities
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, record_in_action
from platekeeper.audit.record import Entry as AuditEntry
from platekeeper.hotlists.models import Alert
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules
from platekeeper.reads import corrections
from platekeeper.reads.models import PlateRead

# Dispositions that say the hit was wrong: they feed the accuracy report (R40).
FALSE_HITS = {Alert.Disposition.MISREAD, Alert.Disposition.WRONG_STATE}


class Refused(ValueError):
    """The step breaks a rule; the message says which."""


def visible_alerts(user: Any, rules: Rules) -> QuerySet[Alert]:
    profile = getattr(user, "profile", None)
    caps = capabilities(user, rules)
    if profile is None or not caps & {
        Capability.HANDLE_ALERTS,
        Capability.MANAGE_HOTLISTS,
    }:
        return Alert.objects.none()
    alerts = Alert.objects.filter(agency_id=profile.agency_id)
    return alerts.filter(covert_rule(user, caps)).distinct()


def covert_rule(user: Any, caps: frozenset[Capability]) -> Q:
    """Covert lists (and what comes of them) only for their owners; the agency's
    list managers see all. For querysets that reach the list as `hot_list`."""
    if Capability.MANAGE_HOTLISTS in caps:
        return Q()
    return Q(hot_list__covert=False) | Q(hot_list__owners=user)


def sees_details(user: Any, alert: Alert, rules: Rules) -> bool:
    source = alert.hot_list.cji_source
    return not source or lifecycle.may_see(user, source, rules)


def _record(actor: Actor, alert: Alert, action: Action, **extra: Any) -> None:
    entry = alert.hit.entry
    record_in_action(
        actor,
        AuditEntry(
            action,
            {
                "alert": alert.pk,
                "plate": alert.hit.plate,
                "hot_list": alert.hot_list.name,
                **extra,
            },
            case_number=entry.case_number or entry.record_id,
            result_ids=[alert.hit.read_id],
            reason=str(extra.get("reason", ""))[:500],
        ),
    )


@transaction.atomic
def claim(alert: Alert, user: Any) -> None:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.claimed_by_id and locked.claimed_by_id != user.pk:
        raise Refused(f"already claimed by {locked.claimed_by.username}")  # type: ignore[union-attr]
    if locked.status == Alert.Status.CLOSED:
        raise Refused("this alert is closed")
    alert.claimed_by, alert.claimed_at, alert.status = (
        user,
        timezone.now(),
        Alert.Status.CLAIMED,
    )
    alert.save(update_fields=["claimed_by", "claimed_at", "status"])
    _record(Actor.of_user(user), alert, Action.ALERT_CLAIMED)


@transaction.atomic
def verify(
    alert: Alert,
    user: Any,
    *,
    visual_match: bool | None = None,
    clets_result: str = "",
    originating_result: str = "",
) -> None:
    """Record the visual check, the CLETS re-check, the originating agency's confirmation."""
    now = timezone.now()
    fields = []
    if visual_match is not None:
        alert.visual_match, alert.visual_checked_at = visual_match, now
        fields += ["visual_match", "visual_checked_at"]
    if clets_result.strip():
        alert.clets_result, alert.clets_checked_at = clets_result.strip()[:100], now
        fields += ["clets_result", "clets_checked_at"]
    if originating_result.strip():
        alert.originating_result = originating_result.strip()[:100]
        alert.originating_confirmed_at = now
        fields += ["originating_result", "originating_confirmed_at"]
    if not fields:
        raise Refused("record the visual check, the CLETS result or the confirmation")
    alert.save(update_fields=fields)
    _record(
        Actor.of_user(user),
        alert,
        Action.ALERT_VERIFIED,
        visual_match=visual_match,
        clets_result=alert.clets_result,
        originating_result=alert.originating_result,
    )


@transaction.atomic
def dispose(
    alert: Alert,
    user: Any,
    *,
    disposition: str,
    enforcement: str = "",
    result: str = "",
    unverified_reason: str = "",
    corrected_plate: str = "",
    corrected_state: str = "",
) -> None:
    """Close the alert. Enforcement without the visual check and the CLETS
    re-check needs a stated reason and is flagged for a supervisor (R38). A
    misread may carry the plate actually on the car: the read is corrected,
    its original kept (R40)."""
    if disposition not in Alert.Disposition.values:
        raise Refused(f"unknown disposition {disposition!r}")
    if enforcement and enforcement not in Alert.Enforcement.values:
        raise Refused(f"unknown enforcement action {enforcement!r}")
    if result and result not in Alert.Result.values:
        raise Refused(f"unknown outcome {result!r}")
    if alert.status == Alert.Status.CLOSED:
        raise Refused("this alert is already closed")
    flagged = False
    if enforcement and not alert.verified:
        if not unverified_reason.strip():
            raise Refused(
                "an enforcement action before the visual check and the CLETS re-check "
                "needs the reason (Policy 427.3(f))"
            )
        flagged = True
    if corrected_plate.strip():
        _correct(alert, user, disposition, corrected_plate, corrected_state)
    alert.disposition, alert.enforcement, alert.result = (
        disposition,
        enforcement,
        result,
    )
    alert.unverified_reason = unverified_reason.strip() if flagged else ""
    alert.flagged_for_review = flagged
    alert.status, alert.disposed_by, alert.disposed_at = (
        Alert.Status.CLOSED,
        user,
        timezone.now(),
    )
    alert.save()
    _record(
        Actor.of_user(user),
        alert,
        Action.ALERT_DISPOSED,
        disposition=disposition,
        enforcement=enforcement,
        result=result,
        flagged_for_review=flagged,
        reason=f"acted before verification: {alert.unverified_reason}"
        if flagged
        else "",
    )


def false_hits_by_camera(agency_id: int, since: Any) -> dict[int, tuple[int, int]]:
    """Camera id -> (alerts closed since, of which misreads or wrong states): the
    accuracy figure per camera (R40)."""
    rows = (
        Alert.objects.filter(agency_id=agency_id, disposed_at__gte=since)
        .values("hit__camera_id")
        .annotate(
            closed=Count("id"), false=Count("id", filter=Q(disposition__in=FALSE_HITS))
        )
        .values_list("hit__camera_id", "closed", "false")
    )
    return {camera: (closed, false) for camera, closed, false in rows}


def _correct(alert: Alert, user: Any, disposition: str, plate: str, state: str) -> None:
    if disposition != Alert.Disposition.MISREAD:
        raise Refused("a corrected plate goes with the disposition 'misread'")
    read = PlateRead.objects.visible_to(user).filter(pk=alert.hit.read_id).first()
    if read is None:
        raise Refused("the read is no longer retained")
    try:
        corrections.correct(
            read,
            plate,
            state,
            actor=Actor.of_user(user),
            reason=f"misread found handling alert {alert.pk}",
        )
    except corrections.Refused as exc:
        raise Refused(str(exc)) from exc
