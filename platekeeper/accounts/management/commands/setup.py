"""First-run set-up: database, the agency, the Policy in force, a first administrator."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from platekeeper.accounts.actions import record_training
from platekeeper.accounts.models import Agency, Profile
from platekeeper.audit.models import Action
from platekeeper.audit.record import Actor, Entry, record_in_action
from platekeeper.policy import actions as policy_actions
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.profiles import PROFILES, rules_for

ACTOR = Actor.system("setup")


class Command(BaseCommand):
    help = (
        "Create the database, the agency, the first Policy and a first administrator."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--agency-name",
            default=settings.AGENCY_NAME,
        )
        parser.add_argument(
            "--agency-ori",
            default=os.environ.get("PLATEKEEPER_AGENCY_ORI", "CA0000000"),
        )
        parser.add_argument(
            "--profile",
            default="california",
            choices=sorted(PROFILES),
            help="the jurisdiction profile the first Policy version starts from",
        )
        parser.add_argument("--admin", default="admin")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="record the administrator's training as the demo's own",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        agency, created = Agency.objects.get_or_create(
            ori=opts["agency_ori"],
            defaults={
                "name": opts["agency_name"],
                "type": Agency.Type.LAW_ENFORCEMENT,
                "level": Agency.Level.LOCAL,
                "state": "CA",
            },
        )
        self.stdout.write(f"agency: {agency}" + (" (created)" if created else ""))
        if PolicyVersion.objects.current() is None:
            version = policy_actions.publish_profile(
                rules_for(opts["profile"]),
                actor=ACTOR,
                note=f"first version, from the {opts['profile']} profile",
            )
            self.stdout.write(
                f"published Policy v{version.number} ({opts['profile']} profile)"
            )
        self._first_admin(agency, opts["admin"])
        self._admin_training(opts["admin"], opts["demo"])

    def _admin_training(self, username: str, demo: bool) -> None:
        rules = PolicyVersion.objects.current().parsed  # type: ignore[union-attr]
        user = User.objects.get(username=username)
        if not demo:
            codes = " / ".join(t.code for t in rules.training)
            self.stdout.write(
                f"record {username}'s training before first use: platekeeper "
                f"training record {username} <{codes}> --verified-by NAME"
            )
            return
        for course in rules.training:
            if not user.training.filter(course=course.code).exists():
                record_training(
                    user,
                    course.code,
                    timezone.localdate(),
                    verified_by="demo set-up (not real training)",
                    actor=ACTOR,
                    courses=set(rules.courses()),
                )

    def _first_admin(self, agency: Agency, username: str) -> None:
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"administrator {username!r} exists (password not shown again)"
            )
            return
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_user(username, password=password)
            # The first account has no one to approve it: set-up does, on the record.
            Profile.objects.create(
                user=user,
                agency=agency,
                job_title="ALPR Administrator",
                approved_at=timezone.now(),
            )
            record_in_action(
                ACTOR,
                Entry(
                    Action.ACCOUNT_CREATED,
                    {"username": username},
                    reason="first administrator, approved by set-up",
                ),
            )
        self.stdout.write(
            f"administrator {username!r} created; one-time password (shown once): {password}"
        )
