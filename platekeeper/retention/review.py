"""The retention review (R28): how old the data people actually search is,
and a task to re-evaluate retention every two years.

The State Auditor found retention periods set with no look at need. The
histogram answers "how old were the reads our searches returned?" from the
access records themselves (age = time of the search minus capture time), for
the reads still kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.models import AccessRecord, Action, Outcome
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy.models import PolicyVersion
from platekeeper.reads.models import PlateRead
from platekeeper.retention.models import RetentionReview

EVERY = timedelta(days=730)
SEARCHED = [Action.SEARCH, Action.READ_DETAIL, Action.IMAGE_VIEW, Action.EXPORT]
# The most recent accesses the histogram reads: enough for a shape, bounded cost.
LOOK_AT = 20_000
CHUNK = 5000
BUCKETS = [
    ("1 day", timedelta(days=1)),
    ("1 week", timedelta(days=7)),
    ("30 days", timedelta(days=30)),
    ("90 days", timedelta(days=90)),
    ("6 months", timedelta(days=182)),
    ("1 year", timedelta(days=365)),
    ("2 years", timedelta(days=730)),
]


@dataclass
class Histogram:
    counts: dict[str, int]
    accesses: int  # access records looked at
    reads: int  # reads returned by them that are still kept

    def rows(self) -> list[tuple[str, int, int]]:
        """Label, count and the share of all (per cent) per bucket."""
        return [
            (label, n, round(100 * n / self.reads) if self.reads else 0)
            for label, n in self.counts.items()
        ]


def _bucket(age: timedelta) -> str:
    for label, limit in BUCKETS:
        if age <= limit:
            return f"up to {label}"
    return f"over {BUCKETS[-1][0]}"


def searched_ages(user: Any, since: datetime) -> Histogram:
    """For the user's agency: the ages of the reads its searches returned, among
    the reads the user may see."""
    visible = PlateRead.objects.visible_to(user)
    records = list(
        AccessRecord.objects.filter(
            actor_agency_ori=user.profile.agency.ori,
            action__in=SEARCHED,
            outcome=Outcome.ALLOWED,
            at__gte=since,
        )
        .order_by("-id")
        .values_list("at", "result_ids")[:LOOK_AT]
    )
    counts = {f"up to {label}": 0 for label, _ in BUCKETS} | {
        f"over {BUCKETS[-1][0]}": 0
    }
    pairs = [(at, int(i)) for at, ids in records for i in ids or [] if str(i).isdigit()]
    reads = 0
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        captured = dict(
            visible.filter(id__in={i for _, i in chunk}).values_list(
                "id", "captured_at"
            )
        )
        for at, read_id in chunk:
            if read_id in captured:
                counts[_bucket(at - captured[read_id])] += 1
                reads += 1
    return Histogram(counts, len(records), reads)


def _last_done(agency: Agency) -> datetime | None:
    done = RetentionReview.objects.filter(agency=agency, reviewed_at__isnull=False)
    return done.order_by("-reviewed_at").values_list("reviewed_at", flat=True).first()


def open_task(agency: Agency) -> RetentionReview | None:
    return RetentionReview.objects.filter(agency=agency, reviewed_at=None).first()


def next_due(agency: Agency) -> date | None:
    """Two years after the last review, or after the first Policy was published."""
    start = _last_done(agency) or (
        PolicyVersion.objects.published()
        .order_by("number")
        .values_list("published_at", flat=True)
        .first()
    )
    return timezone.localdate(start + EVERY) if start else None


def open_when_due(agency: Agency, today: date) -> RetentionReview | None:
    """Open the review task when it falls due (once); return it if opened now."""
    due = next_due(agency)
    if due is None or due > today or open_task(agency) is not None:
        return None
    return RetentionReview.objects.create(agency=agency, due_on=due)


def complete(task: RetentionReview, custodian: Any, conclusion: str) -> None:
    if not conclusion.strip():
        raise ValueError("write down what the review concluded")
    with transaction.atomic():
        task.reviewed_by, task.reviewed_at = custodian, timezone.now()
        task.conclusion = conclusion.strip()
        task.save(update_fields=["reviewed_by", "reviewed_at", "conclusion"])
        record_in_action(
            Actor.of_user(custodian),
            Entry(
                Action.RETENTION_REVIEWED,
                {"review": task.pk, "due_on": task.due_on.isoformat()},
                justification=task.conclusion[:1000],
            ),
        )
