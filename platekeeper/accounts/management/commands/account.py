"""Administer accounts from the command line (more verbs come with issue 5)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from platekeeper.accounts import actions
from platekeeper.audit.record import Actor


class Command(BaseCommand):
    help = "Administer accounts: unlock."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        unlock = sub.add_parser(
            "unlock", help="release an account locked by failed sign-ins"
        )
        unlock.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        actions.unlock(user, actor=Actor.system("account command"))
        self.stdout.write(f"{user.username} released")
