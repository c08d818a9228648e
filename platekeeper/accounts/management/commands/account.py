"""Administer accounts from the command line: create, approve, unlock, retitle,
grant or revoke a data source. For administrators who script onboarding."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from platekeeper.accounts import actions, lifecycle
from platekeeper.accounts.models import Agency, Profile
from platekeeper.audit.record import Actor
from platekeeper.policy.models import PolicyVersion
from platekeeper.policy.rules import Rules

ACTOR = Actor.system("account command")


class Command(BaseCommand):
    help = "Administer accounts: create, approve, unlock, title, grant, revoke."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser(
            "create", help="create a pending account; prints a one-time password"
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
        create.add_argument("--employer", default="", help="contractor or vendor firm")
        create.add_argument(
            "--background-check", type=date.fromisoformat, help="YYYY-MM-DD"
        )
        create.add_argument(
            "--security-addendum", type=date.fromisoformat, help="YYYY-MM-DD"
        )
        approve = sub.add_parser(
            "approve", help="a supervisor approves a pending account"
        )
        approve.add_argument("username")
        approve.add_argument(
            "--by", required=True, help="the approving supervisor's username"
        )
        sub.add_parser(
            "unlock", help="release an account locked by failed sign-ins"
        ).add_argument("username")
        title = sub.add_parser("title", help="give an account another job title")
        title.add_argument("username")
        title.add_argument("title")
        for verb, text in (("grant", "grant"), ("revoke", "revoke")):
            p = sub.add_parser(verb, help=f"{text} a data source (CLETS/NCIC details)")
            p.add_argument("username")
            p.add_argument("source")

    def handle(self, *args: Any, **opts: Any) -> None:
        verb = opts["verb"]
        if verb == "create":
            self._create(opts)
            return
        user = _user(opts["username"])
        try:
            if verb == "approve":
                lifecycle.approve(user, approver=_user(opts["by"]), rules=_rules())
                self.stdout.write(f"{user.username} approved by {opts['by']}")
            elif verb == "unlock":
                actions.unlock(user, actor=ACTOR)
                self.stdout.write(f"{user.username} released")
            elif verb == "title":
                lifecycle.change_title(user, opts["title"], actor=ACTOR, rules=_rules())
                self.stdout.write(f"{user.username} is now {opts['title']}")
            elif verb == "grant":
                lifecycle.grant(user, opts["source"], actor=ACTOR, rules=_rules())
                self.stdout.write(f"{user.username} granted {opts['source']}")
            else:
                lifecycle.revoke(user, opts["source"], actor=ACTOR)
                self.stdout.write(f"{user.username}: {opts['source']} revoked")
        except lifecycle.Refused as exc:
            raise CommandError(str(exc)) from exc

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
                employer=opts["employer"],
                background_check_on=opts["background_check"],
                security_addendum_on=opts["security_addendum"],
            )
        except actions.AccountRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{opts['username']} created, pending a supervisor's approval; "
            f"one-time password (shown once): {password}"
        )
        current = PolicyVersion.objects.current()
        if current and not current.parsed.capabilities_of(opts["title"]):
            self.stdout.write(
                f"note: the Policy lists no title {opts['title']!r}; this "
                "account can do nothing with ALPR data"
            )


def _user(username: str) -> Any:
    user = User.objects.filter(username=username).select_related("profile").first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


def _rules() -> Rules:
    current = PolicyVersion.objects.current()
    if current is None:
        raise CommandError("no Policy is published; run platekeeper setup")
    return current.parsed
