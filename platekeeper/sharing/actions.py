"""Release requests: entered, decided, fulfilled, downloaded; each step audited.

The order is the law's: a written request naming the agency, the requester
and the purpose (427.6(a)); review by the commander or the Policy's designee
before fulfilment (427.6(b)); an ineligible recipient refused automatically
whatever anyone approves, and the query never run for it (R30, R34). The
fulfilment runs the request's query under the requesting agency's name, so
its access records name that agency and person (§ 1798.90.52).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from platekeeper.accounts.access import capabilities
from platekeeper.accounts.models import Agency
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_access, record_in_action
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.rules import Rules
from platekeeper.reads import blobs
from platekeeper.reads.models import PlateRead
from platekeeper.retention import packages
from platekeeper.sharing import eligibility, pseudonyms
from platekeeper.sharing.models import ReleaseRequest

SYSTEM = Actor.system("sharing")


class Refused(ValueError):
    pass


@dataclass(frozen=True)
class Written:
    """What the written request says (every field required)."""

    recipient: Agency
    kind: str
    requester_name: str
    requester_contact: str
    purpose: str
    case_number: str
    legal_authority: str
    plates: list[str]
    start: datetime
    end: datetime
    document: bytes
    document_name: str
    emergency: bool = False
    city_attorney: str = ""


def summary(req: ReleaseRequest) -> dict[str, Any]:
    return {
        "request": req.pk,
        "recipient": req.recipient.ori,
        "kind": req.kind,
        "requester": req.requester_name,
        "plates": req.plates,
        "city_attorney": req.city_attorney,
        "start": req.start.isoformat(),
        "end": req.end.isoformat(),
    }


def enter(staff: Any, written: Written, rules: Rules) -> ReleaseRequest:
    """Record the written request; an ineligible recipient is refused at once."""
    why_not = eligibility.refusal(written.recipient, written.kind, rules)
    if written.emergency and written.kind != ReleaseRequest.Kind.LAW_ENFORCEMENT:
        raise Refused("only a law-enforcement request can take the emergency path")
    with transaction.atomic():
        req = ReleaseRequest.objects.create(
            owner_id=staff.profile.agency_id,
            recipient=written.recipient,
            kind=written.kind,
            requester_name=written.requester_name,
            requester_contact=written.requester_contact,
            purpose=written.purpose,
            case_number=written.case_number,
            legal_authority=written.legal_authority,
            city_attorney=written.city_attorney,
            plates=written.plates,
            start=written.start,
            end=written.end,
            document=blobs.put_document(written.document),
            document_name=written.document_name[:200],
            status=ReleaseRequest.Status.REFUSED
            if why_not
            else ReleaseRequest.Status.PENDING,
            refusal=why_not,
            emergency=written.emergency and not why_not,
            entered_by=staff,
        )
        record_in_action(
            Actor.of_user(staff),
            Entry(
                Action.RELEASE_ENTERED,
                {**summary(req), "emergency": req.emergency},
                case_number=req.case_number,
                justification=req.purpose[:1000],
                outcome=Outcome.DENIED if why_not else Outcome.ALLOWED,
                reason=why_not,
            ),
        )
    return req


def record_refusal(
    user: Any, action: Action, criteria: dict[str, Any], reason: str
) -> Refused:
    """Record the refused attempt (R12), and give the exception to raise."""
    record_access(
        Actor.of_user(user),
        Entry(action, criteria, outcome=Outcome.DENIED, reason=reason),
    )
    return Refused(reason)


def may_approve(user: Any, rules: Rules) -> bool:
    """The commander (approve_sharing), or the designee the Policy names."""
    if Capability.APPROVE_SHARING in capabilities(user, rules):
        return True
    designee = rules.administrator_designee
    profile = getattr(user, "profile", None)
    return bool(
        profile
        and user.get_full_name() == designee.name
        and profile.job_title == designee.title
        and capabilities(user, rules)
    )


def decide(
    req: ReleaseRequest, reviewer: Any, approve: bool, note: str, rules: Rules
) -> None:
    if not may_approve(reviewer, rules):
        raise record_refusal(
            reviewer,
            Action.RELEASE_DECIDED,
            summary(req),
            "only the commander or the Policy's designee reviews release requests",
        )
    with transaction.atomic():
        locked = ReleaseRequest.objects.select_for_update().get(pk=req.pk)
        refused = locked.status == ReleaseRequest.Status.REFUSED
        if (
            not refused
            and locked.status != ReleaseRequest.Status.PENDING
            and not (locked.emergency and locked.decided_at is None)
        ):
            raise Refused(f"this request is {locked.get_status_display().lower()}")
        record_in_action(
            Actor.of_user(reviewer),
            Entry(
                Action.RELEASE_DECIDED,
                {**summary(locked), "approve": approve},
                case_number=locked.case_number,
                justification=note[:1000],
                outcome=Outcome.DENIED if refused or not approve else Outcome.ALLOWED,
                reason=locked.refusal if refused else "",
            ),
        )
        if refused:  # the approval is recorded, and changes nothing
            return
        locked.decided_by, locked.decided_at = reviewer, timezone.now()
        locked.decision_note = note.strip()
        if locked.status == ReleaseRequest.Status.PENDING:
            locked.status = (
                ReleaseRequest.Status.APPROVED
                if approve
                else ReleaseRequest.Status.DENIED
            )
        locked.save()
    req.refresh_from_db()


def fulfil_refusal(req: ReleaseRequest, staff: Any, rules: Rules) -> str:
    caps = capabilities(staff, rules)
    if req.status == ReleaseRequest.Status.REFUSED:
        return f"the recipient may not receive ALPR data: {req.refusal}"
    if req.emergency and req.status == ReleaseRequest.Status.PENDING:
        if (
            Capability.SEARCH_FULL not in caps
            and Capability.RELEASE_RECORDS not in caps
        ):
            return "an emergency release is run by an investigator or records staff"
        return ""
    if req.status != ReleaseRequest.Status.APPROVED:
        return f"the request is {req.get_status_display().lower()}: it is fulfilled once approved"
    if Capability.RELEASE_RECORDS not in caps:
        return "your job title may not fulfil release requests"
    return ""


def fulfil(req: ReleaseRequest, staff: Any, rules: Rules) -> AccessRecord:
    """Run the request's query for the recipient and keep its package for download."""
    if why_not := fulfil_refusal(req, staff, rules):
        raise record_refusal(staff, Action.RELEASE_FULFILLED, summary(req), why_not)
    reads = list(
        # The owner's reads only: a share to the staff's agency is not ours to pass on.
        PlateRead.objects.visible_to(staff)
        .filter(
            camera__agency_id=req.owner_id,
            plate__plate__in=req.plates,
            captured_at__gte=req.start,
            captured_at__lte=req.end,
        )
        .select_related("plate", "camera")
        .order_by("captured_at", "id")
    )
    # The access is the recipient's: their agency and person (§ 1798.90.52).
    record = record_access(
        Actor(
            username=f"{req.requester_name} (release {req.pk}, by {staff.get_username()})",
            agency=req.recipient.name,
            agency_ori=req.recipient.ori,
            user_id=staff.pk,
        ),
        Entry(
            Action.RELEASE_FULFILLED,
            {**summary(req), "fulfilled_by": staff.get_username()},
            purpose="release_request",
            case_number=req.case_number,
            justification=req.purpose[:1000],
            result_ids=[r.id for r in reads],
        ),
    )
    data = _package(req, reads, Actor.of_user(staff))
    ReleaseRequest.objects.filter(pk=req.pk).update(
        status=ReleaseRequest.Status.FULFILLED,
        fulfilled_by=staff,
        fulfilled_at=timezone.now(),
        package=blobs.put_document(data),
        package_sha256=hashlib.sha256(data).hexdigest(),
        download_until=timezone.now() + timedelta(hours=rules.sharing.download_hours),
    )
    req.refresh_from_db()
    return record


def _package(req: ReleaseRequest, reads: list[PlateRead], maker: Actor) -> bytes:
    if req.kind == ReleaseRequest.Kind.PUBLIC_RECORDS:
        return pseudonyms.as_csv(reads, req.pk)
    subject = packages.Subject(
        name=f"release-{req.pk}",
        case_number=req.case_number,
        evidence_item=f"release {req.pk}",
        agency_ori=req.owner.ori,
        facts=[
            f"Release request {req.pk}: {req.get_kind_display()}",
            f"Recipient: {req.recipient} - {req.requester_name}, {req.requester_contact}",
            f"Purpose: {req.purpose}",
            f"Legal authority: {req.legal_authority}",
            f"Approved by: {req.decided_by.get_username() if req.decided_by else 'emergency: approval due'}",
        ],
        manifest={"release_request": req.pk, "recipient": req.recipient.ori},
    )
    return packages.as_zip(packages.build(subject, reads, maker))


def download(req: ReleaseRequest, staff: Any) -> bytes:
    """The fulfilled package, while its download has not expired (recorded)."""
    expired = req.download_until is None or req.download_until < timezone.now()
    record_access(
        Actor.of_user(staff),
        Entry(
            Action.EXPORT,
            {"release_request": req.pk, "package_sha256": req.package_sha256},
            case_number=req.case_number,
            outcome=Outcome.DENIED if expired else Outcome.ALLOWED,
            reason="the download has expired" if expired else "",
        ),
    )
    data = blobs.get_document(req.package) if not expired else None
    if data is None:
        raise Refused(
            "the download has expired: fulfil the request again if it still stands"
        )
    return data


def flag_late_emergencies(rules: Rules, now: datetime) -> list[ReleaseRequest]:
    """Emergency releases still without the designee's approval after the hours
    the Policy allows: flagged once, and told to the commanders."""
    due = now - timedelta(hours=rules.sharing.emergency_approval_hours)
    late = ReleaseRequest.objects.filter(
        emergency=True, decided_at=None, flagged_at=None, entered_at__lt=due
    )
    done = []
    for req in late.select_related("recipient"):
        with transaction.atomic():
            ReleaseRequest.objects.filter(pk=req.pk).update(flagged_at=now)
            record_in_action(
                SYSTEM,
                Entry(
                    Action.FLAG_RAISED,
                    {**summary(req), "flag": "emergency_release_unapproved"},
                    case_number=req.case_number,
                    outcome=Outcome.DENIED,
                    reason=f"no designee approval within {rules.sharing.emergency_approval_hours} hours",
                ),
            )
        done.append(req)
    return done
