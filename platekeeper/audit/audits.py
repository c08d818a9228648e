"""Audits that happen on their own (Policy 427.5(c), R41, R42).

Every `audits.every_days` the scheduler opens an audit of the agency's searches
for the period since the last one: every flagged search, a random sample of
the others, and a sample of the hot-list entries made (covert lists too). It is
assigned to an auditor, who marks each item justified or not; a sign-off closes
it for good. Each week a review of the security log is opened the same way.
An audit not signed off by its due date is escalated to the commander.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from platekeeper.accounts.access import holders
from platekeeper.accounts.models import Agency
from platekeeper.audit import flags
from platekeeper.audit.models import AccessRecord, Action, Audit, AuditItem, Outcome
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules

SYSTEM = Actor.system("audits")
DUE_IN = timedelta(days=14)
WEEK = timedelta(days=7)
SECURITY_EVENTS = [
    Action.LOGIN_FAILED,
    Action.ACCOUNT_LOCKED,
    Action.PRIVILEGED_REFUSED,
    Action.SESSION_ENDED,
    Action.MFA_FAILED,
    Action.API_TOKEN_REFUSED,
    Action.ACCOUNT_CHANGED,
    Action.DATA_SOURCE_GRANTED,
    Action.PASSWORD_CHANGED,
]
MAX_SECURITY_ITEMS = 200


class Refused(ValueError):
    pass


def _auditor(agency: Agency, rules: Rules) -> Any | None:
    """The agency's auditor with the fewest open audits."""
    auditors = holders(agency, Capability.REVIEW_AUDIT, rules)
    if not auditors:
        return None
    open_counts = dict(
        Audit.objects.filter(signed_off_at=None, auditor__in=auditors)
        .values("auditor")
        .annotate(n=Count("id"))
        .values_list("auditor", "n")
    )
    return min(auditors, key=lambda u: (open_counts.get(u.pk, 0), u.username))


def _summary(record: AccessRecord) -> str:
    return (
        f"{record.at:%Y-%m-%d %H:%M} {record.actor_username}: {record.get_action_display()} "
        f"{record.criteria.get('plate', '')} · {record.purpose} · case {record.case_number or '—'}"
    )[:300]


def _period_start(
    agency: Agency, kind: str, every: timedelta, now: datetime
) -> datetime | None:
    last = (
        Audit.objects.filter(agency=agency, kind=kind).order_by("-period_end").first()
    )
    start = last.period_end if last else now - every
    return start if now - start >= every else None


@transaction.atomic
def open_search_audit(
    agency: Agency, rules: Rules, now: datetime, rng: random.Random | None = None
) -> Audit | None:
    """The agency's next search audit, when one is due and an auditor exists."""
    policy = rules.audits
    start = _period_start(
        agency, Audit.Kind.SEARCHES, timedelta(days=policy.every_days), now
    )
    auditor = _auditor(agency, rules)
    if start is None or auditor is None:
        return None
    records = list(flags.searches(start, now).filter(actor_agency_ori=agency.ori))
    marks = flags.flag(records, policy)
    flagged = [r for r in records if r.id in marks]
    others = [r for r in records if r.id not in marks]
    rng = rng or random.SystemRandom()
    sample = flagged + rng.sample(others, min(policy.sample_size, len(others)))
    audit = Audit.objects.create(
        agency=agency,
        period_start=start,
        period_end=now,
        auditor=auditor,
        due_at=now + DUE_IN,
    )
    AuditItem.objects.bulk_create(
        AuditItem(audit=audit, record=r, summary=_summary(r), flags=marks.get(r.id, []))
        for r in sorted(sample, key=lambda r: r.id)
    )
    _entries(audit, agency, start, now, policy.sample_size, rng)
    record_in_action(
        SYSTEM,
        Entry(
            Action.AUDIT_OPENED,
            {
                "audit": audit.pk,
                "kind": audit.kind,
                "auditor": auditor.username,
                "items": audit.items.count(),
                "flagged": len(flagged),
            },
        ),
    )
    return audit


def _entries(
    audit: Audit,
    agency: Agency,
    start: datetime,
    end: datetime,
    size: int,
    rng: random.Random,
) -> None:
    """A sample of the hot-list entries people made in the period, covert lists included."""
    from platekeeper.hotlists.models import Entry as HotListEntry

    made = list(
        HotListEntry.objects.filter(
            hot_list__agency=agency, entered_at__gte=start, entered_at__lt=end
        )
        .exclude(case_number="")
        .select_related("hot_list")
    )
    for entry in rng.sample(made, min(size, len(made))):
        AuditItem.objects.create(
            audit=audit,
            hotlist_entry_id=entry.pk,
            summary=(
                f"hot-list entry {entry.plate} on {entry.hot_list.name}"
                f"{' (covert)' if entry.hot_list.covert else ''} by {entry.entered_by} · "
                f"{entry.purpose} · case {entry.case_number}"
            )[:300],
        )


@transaction.atomic
def open_security_review(agency: Agency, rules: Rules, now: datetime) -> Audit | None:
    """The weekly review of the security log (CJIS AU-6)."""
    start = _period_start(agency, Audit.Kind.SECURITY_LOG, WEEK, now)
    auditor = _auditor(agency, rules)
    if start is None or auditor is None:
        return None
    events = AccessRecord.objects.filter(
        Q(actor_agency_ori=agency.ori) | Q(actor_agency_ori=""),
        action__in=SECURITY_EVENTS,
        at__gte=start,
        at__lt=now,
    ).order_by("id")[:MAX_SECURITY_ITEMS]
    audit = Audit.objects.create(
        agency=agency,
        kind=Audit.Kind.SECURITY_LOG,
        period_start=start,
        period_end=now,
        auditor=auditor,
        due_at=now + WEEK,
    )
    AuditItem.objects.bulk_create(
        AuditItem(audit=audit, record=r, summary=_summary(r), flags=[r.outcome])
        for r in events
    )
    record_in_action(
        SYSTEM,
        Entry(
            Action.AUDIT_OPENED,
            {"audit": audit.pk, "kind": audit.kind, "auditor": auditor.username},
        ),
    )
    return audit


def _open_for(audit_id: int, auditor: Any) -> Audit:
    """The audit, locked, if it is still open and `auditor` is the one assigned."""
    audit = Audit.objects.select_for_update().get(pk=audit_id)
    if audit.closed:
        raise Refused("this audit is signed off and cannot change")
    if audit.auditor_id != auditor.pk:
        raise Refused("only the assigned auditor works on this audit")
    return audit


@transaction.atomic
def review(item: AuditItem, auditor: Any, justified: bool, note: str) -> None:
    _open_for(item.audit_id, auditor)
    if not justified and not note.strip():
        raise Refused("say why it was not justified")
    item.justified, item.note, item.reviewed_at = (
        justified,
        note.strip(),
        timezone.now(),
    )
    item.save(update_fields=["justified", "note", "reviewed_at"])


@transaction.atomic
def sign_off(audit: Audit, auditor: Any, findings: str, resolution: str) -> None:
    locked = _open_for(audit.pk, auditor)
    left = locked.items.filter(reviewed_at=None).count()
    if left:
        raise Refused(f"{left} items are not reviewed yet")
    if not findings.strip():
        raise Refused("write the findings (none found is a finding)")
    locked.findings, locked.resolution = findings.strip(), resolution.strip()
    locked.signed_off_at = timezone.now()
    locked.save(update_fields=["findings", "resolution", "signed_off_at"])
    unjustified = locked.items.filter(justified=False).count()
    record_in_action(
        Actor.of_user(auditor),
        Entry(
            Action.AUDIT_SIGNED,
            {"audit": locked.pk, "kind": locked.kind, "unjustified": unjustified},
            reason=locked.findings[:500],
        ),
    )


def escalate_overdue(rules: Rules, now: datetime) -> list[Audit]:
    """Tell the commander about audits past their due date (once each)."""
    done = []
    for audit in Audit.objects.filter(
        signed_off_at=None, escalated_at=None, due_at__lt=now
    ).select_related("agency", "auditor"):
        commanders = holders(audit.agency, Capability.APPROVE_SHARING, rules)
        addresses = [u.email for u in commanders if u.email]
        if addresses:
            send_mail(
                "Platekeeper: an ALPR audit is overdue",
                f"{audit} assigned to {audit.auditor.username} was due {audit.due_at:%Y-%m-%d} "
                "and is not signed off.",
                None,
                addresses,
            )
        with transaction.atomic():
            Audit.objects.filter(pk=audit.pk).update(escalated_at=now)
            record_in_action(
                SYSTEM,
                Entry(
                    Action.AUDIT_ESCALATED,
                    {"audit": audit.pk, "to": [u.username for u in commanders]},
                    outcome=Outcome.DENIED,
                    reason="not signed off by its due date",
                ),
            )
        done.append(audit)
    return done
