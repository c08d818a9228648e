"""Flag emergency releases the designee has not approved in time (scheduled)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from platekeeper.policy.models import current_rules
from platekeeper.sharing import actions


class Command(BaseCommand):
    help = "Flag emergency release requests still without the designee's approval."

    def handle(self, *args: Any, **opts: Any) -> None:
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        for req in actions.flag_late_emergencies(found[1], timezone.now()):
            self.stdout.write(f"flagged {req}: emergency release without approval")
