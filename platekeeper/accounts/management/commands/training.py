"""Record completed training, and list who is due: `training record` / `training due`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from platekeeper.accounts import actions
from platekeeper.accounts.models import TrainingRecord
from platekeeper.audit.record import Actor
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import Rules


class Command(BaseCommand):
    help = "Record a user's completed training, or report training that falls due."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        record = sub.add_parser("record", help="record a completed course")
        record.add_argument("username")
        record.add_argument("course", help="a training code of the Policy, e.g. alpr")
        record.add_argument(
            "--date", type=date.fromisoformat, help="completed on (today)"
        )
        record.add_argument("--verified-by", required=True)
        due = sub.add_parser("due", help="training that expires within --days (or has)")
        due.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, **opts: Any) -> None:
        version = PolicyVersion.objects.current()
        if version is None:
            raise CommandError("no Policy is published")
        if opts["verb"] == "record":
            self._record(version.parsed, opts)
        else:
            self._due(version.parsed, opts["days"])

    def _record(self, rules: Rules, opts: dict[str, Any]) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        completed = opts["date"] or timezone.localdate()
        if completed > timezone.localdate():
            raise CommandError("training cannot be completed in the future")
        try:
            actions.record_training(
                user,
                opts["course"],
                completed,
                verified_by=opts["verified_by"],
                actor=Actor.system("training command"),
                courses=set(rules.courses()),
            )
        except actions.UnknownCourse as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"recorded {opts['course']} for {user.username} ({completed})"
        )

    def _due(self, rules: Rules, days: int) -> None:
        """Every active user with a profile, each course expiring before today + days."""
        horizon = timezone.localdate() + timedelta(days=days)
        latest = {
            (u, c): d
            for u, c, d in TrainingRecord.objects.values("user", "course")
            .annotate(last=Max("completed_on"))
            .values_list("user", "course", "last")
        }
        for user in User.objects.filter(is_active=True, profile__isnull=False).order_by(
            "username"
        ):
            # A data source's certification is due only for those who hold it.
            held = [
                d.certification
                for d in rules.data_sources
                if user.data_sources.filter(source=d.code, revoked_at=None).exists()
            ]
            for course in [*rules.training, *held]:
                done = latest.get((user.pk, course.code))
                expires = done + timedelta(days=course.valid_days) if done else None
                if expires is None or expires <= horizon:
                    when = f"expires {expires}" if expires else "never completed"
                    self.stdout.write(f"{user.username}\t{course.code}\t{when}")
