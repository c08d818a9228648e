"""Public figures of how the system is used (R23): aggregates only, never a plate.

Fuller than the vendors' portals: cameras, reads collected and purged, hits
and how they turned out, searches by purpose, audits and findings (counts:
findings are personnel matters), every agency that received or can reach the
data, and the retention and designee in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.models import AccessRecord, Action, Audit, AuditItem, Outcome
from platekeeper.hotlists.models import Alert
from platekeeper.policy.page import duration
from platekeeper.policy.rules import DataClass, Rules
from platekeeper.reads.models import Camera, PlateRead
from platekeeper.retention.models import PurgeRun
from platekeeper.sharing.models import ReleaseRequest, StandingShare

PERIODS = {"30 days": timedelta(days=30), "12 months": timedelta(days=365)}


@dataclass
class Figures:
    agency: str
    rows: list[tuple[str, str, int]]  # (figure, period, value)
    shared_with: list[str]
    retention: str
    designee: str

    def as_json(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "figures": [
                {"figure": f, "period": p, "value": v} for f, p, v in self.rows
            ],
            "shared_with": self.shared_with,
            "retention_of_reads": self.retention,
            "designee": self.designee,
        }


def reporting_agency() -> Agency | None:
    """The department these public pages speak for (PLATEKEEPER_AGENCY_ORI)."""
    return Agency.objects.filter(ori=settings.AGENCY_ORI).first()


def _period_rows(
    agency: Agency, label: str, since: datetime
) -> list[tuple[str, str, int]]:
    reads = PlateRead.objects.filter(camera__agency=agency, captured_at__gte=since)
    alerts = Alert.objects.filter(agency=agency, created_at__gte=since)
    outcomes = dict(alerts.values_list("result").annotate(n=Count("id")))
    dispositions = dict(alerts.values_list("disposition").annotate(n=Count("id")))
    searches = (
        AccessRecord.objects.filter(
            actor_agency_ori=agency.ori,
            action=Action.SEARCH,
            outcome=Outcome.ALLOWED,
            at__gte=since,
        )
        .values_list("purpose")
        .annotate(n=Count("id"))
        .order_by("purpose")
    )
    audits = Audit.objects.filter(agency=agency, signed_off_at__gte=since)
    rows = [
        ("Reads collected", label, reads.count()),
        (
            "Reads purged",
            label,
            PurgeRun.objects.filter(dry_run=False, started_at__gte=since).aggregate(
                n=Sum("reads")
            )["n"]
            or 0,
        ),
        ("Hot-list hits (alerts)", label, alerts.count()),
        ("Alerts confirmed", label, dispositions.get(Alert.Disposition.CONFIRMED, 0)),
        (
            "Alerts that were misreads",
            label,
            dispositions.get(Alert.Disposition.MISREAD, 0),
        ),
        ("Vehicles recovered", label, outcomes.get(Alert.Result.VEHICLE_RECOVERED, 0)),
        ("Arrests", label, outcomes.get(Alert.Result.ARREST, 0)),
        ("Persons located", label, outcomes.get(Alert.Result.PERSON_LOCATED, 0)),
        ("Audits completed", label, audits.count()),
        (
            "Audit findings (searches not justified)",
            label,
            AuditItem.objects.filter(audit__in=audits, justified=False).count(),
        ),
    ]
    rows += [(f"Searches: {purpose}", label, n) for purpose, n in searches]
    return rows


def figures(rules: Rules, now: datetime | None = None) -> Figures | None:
    agency = reporting_agency()
    if agency is None:
        return None
    now = now or timezone.now()
    rows = [
        (
            "Cameras in use",
            "now",
            Camera.objects.filter(agency=agency, approved=True).count(),
        )
    ]
    for label, span in PERIODS.items():
        rows += _period_rows(agency, label, now - span)
    received = ReleaseRequest.objects.filter(
        owner=agency, status=ReleaseRequest.Status.FULFILLED
    ).values_list("recipient__name", flat=True)
    reach = StandingShare.objects.in_force(timezone.localdate(now)).filter(owner=agency)
    shared = sorted(
        set(received) | set(reach.values_list("recipient__name", flat=True))
    )
    designee = rules.administrator_designee
    return Figures(
        agency=agency.name,
        rows=rows,
        shared_with=shared,
        retention=duration(rules.retention[DataClass.READS].minimum),
        designee=f"{designee.name}, {designee.title}",
    )


def fixed_cameras() -> list[dict[str, Any]]:
    """Where the agency's approved fixed cameras stand (patrol cars never shown)."""
    agency = reporting_agency()
    rows = Camera.objects.filter(
        agency=agency,
        approved=True,
        kind=Camera.Kind.FIXED,
        latitude__isnull=False,
        longitude__isnull=False,
    ).values_list("name", "latitude", "longitude")
    return [{"name": n, "lat": lat, "lon": lon} for n, lat, lon in rows]
