"""Administer accounts from the command line: create, unlock."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from platekeeper.accounts import actions
from platekeeper.accounts.models import Agency, Profile
from platekeeper.audit.record import Actor
from platekeeper.policy.models import PolicyVersion

ACTOR = Actor.system("account command")


class Command(BaseCommand):
    help = "Administer accounts: create, unlock."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser(
            "create", help="create an account; prints a one-time password"
        )
        create.add_argument("username")
        create.add_argument("--agency", required=True, help="the agency's ORI")
        create.add_argument(
            "--title", required=True, help="job title, as the Policy lists it"
        )
        create.add_argument(
            "--affiliation",
            default=Profile.Affiliation.MEMBER,
            choices=Profile.Affiliation.values,
        )
        unlock = sub.add_parser(
            "unlock", help="release an account locked by failed sign-ins"
        )
        unlock.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["verb"] == "create":
            self._create(opts)
            return
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        actions.unlock(user, actor=ACTOR)
        self.stdout.write(f"{user.username} released")

    def _create(self, opts: dict[str, Any]) -> None:
        agency = Agency.objects.filter(ori=opts["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency with ORI {opts['agency']!r}")
        password = secrets.token_urlsafe(12)
        try:
            actions.create_account(
                opts["username"],
                password,
                agency=agency,
                job_title=opts["title"],
                affiliation=opts["affiliation"],
                actor=ACTOR,
            )
        except actions.AccountRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{opts['username']} created; one-time password (shown once): {password}"
        )
        current = PolicyVersion.objects.current()
        if current and not current.parsed.capabilities_of(opts["title"]):
            self.stdout.write(
                f"note: the Policy lists no title {opts['title']!r}; this "
                "account can do nothing with ALPR data"
            )
