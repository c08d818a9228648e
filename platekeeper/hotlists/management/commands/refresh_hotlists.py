"""Refresh hot lists from PLATEKEEPER_HOTLIST_DIR (scheduled every 5 minutes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from platekeeper.hotlists.folder import refresh_folder
from platekeeper.policy.models import current_rules


class Command(BaseCommand):
    help = "Load changed hot-list files named in PLATEKEEPER_HOTLIST_DIR/hotlists.json."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HOTLIST_DIR:
            self.stdout.write("no hot-list folder (PLATEKEEPER_HOTLIST_DIR)")
            return
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        try:
            outcomes = refresh_folder(Path(settings.HOTLIST_DIR), found[1])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for o in outcomes:
            self.stdout.write(
                f"{o.feed.list}: {o.status}{' (' + o.detail + ')' if o.detail else ''}"
            )
        if any(o.status == "failed" for o in outcomes):
            raise CommandError("some hot lists were not refreshed")
