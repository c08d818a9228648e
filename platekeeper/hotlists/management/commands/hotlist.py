"""Hot lists from the command line: create, import a file, export for NCIC, show."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.record import Actor
from platekeeper.hotlists import actions, imports
from platekeeper.hotlists.layouts import Layout
from platekeeper.hotlists.models import HotList
from platekeeper.policy.models import current_rules

ACTOR = Actor.system("hotlist command")
SHOWN_BAD_LINES = 50


class Command(BaseCommand):
    help = "Hot lists: create, import (a refresh), export-ncic, show."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a hot list")
        create.add_argument("name")
        create.add_argument("--agency", required=True, help="the owning agency's ORI")
        create.add_argument("--source", required=True, choices=HotList.Source.values)
        create.add_argument("--priority", type=int, default=3)
        create.add_argument("--min-confidence", type=float, default=0.0)
        create.add_argument("--misread-tolerant", action="store_true")
        create.add_argument("--refresh-hours", type=int, help="stale after this long")
        create.add_argument(
            "--cji", default="", help="data source whose grant shows details (clets)"
        )
        create.add_argument("--covert", action="store_true")
        create.add_argument("--purpose", default="")
        create.add_argument("--case-number", default="")
        load = sub.add_parser("import", help="replace a list's entries from a file")
        load.add_argument("name")
        load.add_argument("file", type=Path)
        load.add_argument("--agency", required=True)
        load.add_argument(
            "--layout", default="csv", help="a built-in layout or a JSON file"
        )
        export = sub.add_parser(
            "export-ncic", help="CSV of the entries NCIC may take (no partials)"
        )
        export.add_argument("name")
        export.add_argument("--agency", required=True)
        show = sub.add_parser("show", help="the agency's lists, with staleness")
        show.add_argument("--agency", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        agency = Agency.objects.filter(ori=opts["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency with ORI {opts['agency']!r}")
        getattr(self, "_" + opts["verb"].replace("-", "_"))(agency, opts)

    def _list(self, agency: Agency, name: str) -> HotList:
        found = HotList.objects.filter(agency=agency, name=name).first()
        if found is None:
            raise CommandError(f"{agency.ori} has no hot list {name!r}")
        return found

    def _create(self, agency: Agency, opts: dict[str, Any]) -> None:
        try:
            actions.create_list(
                agency,
                opts["name"],
                opts["source"],
                actor=ACTOR,
                priority=opts["priority"],
                min_confidence=opts["min_confidence"],
                misread_tolerant=opts["misread_tolerant"],
                refresh_hours=opts["refresh_hours"],
                cji_source=opts["cji"],
                covert=opts["covert"],
                purpose=opts["purpose"],
                case_number=opts["case_number"],
            )
        except actions.Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created hot list {opts['name']!r}")

    def _import(self, agency: Agency, opts: dict[str, Any]) -> None:
        hot_list = self._list(agency, opts["name"])
        found = current_rules()
        if found is None:
            raise CommandError("no Policy is published; run platekeeper setup")
        try:
            layout = Layout.load(opts["layout"])
            with opts["file"].open(
                encoding="utf-8", errors="replace", newline=""
            ) as lines:
                report = imports.refresh(
                    hot_list, lines, layout, actor=ACTOR, rules=found[1]
                )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.lines} lines: {report.loaded} entries loaded, {len(report.bad)} bad"
        )
        for number, why in report.bad[:SHOWN_BAD_LINES]:
            self.stdout.write(f"  line {number}: {why}")

    def _export_ncic(self, agency: Agency, opts: dict[str, Any]) -> None:
        writer = csv.writer(self.stdout)  # type: ignore[arg-type]  # OutputWrapper writes text
        writer.writerow(["plate", "state", "plate_type", "record_id", "ori"])
        for e in imports.ncic_bound(self._list(agency, opts["name"])):
            writer.writerow([e.plate, e.state, e.plate_type, e.record_id, e.ori])

    def _show(self, agency: Agency, opts: dict[str, Any]) -> None:
        now = timezone.now()
        for hot_list in HotList.objects.filter(agency=agency).order_by(
            "priority", "name"
        ):
            live = hot_list.entries.filter(retired_at=None).count()
            stale = " STALE" if hot_list.is_stale(now) else ""
            self.stdout.write(
                f"{hot_list.name}\t{hot_list.source}\t{live} entries{stale}"
            )
