"""Run due jobs until stopped (SIGTERM or Ctrl-C finishes the running job first)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from platekeeper.service import scheduler


class Command(BaseCommand):
    help = "Run scheduled jobs (purge, refreshes, audits) as they fall due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=15.0,
            help="seconds between looks at the job table",
        )
        parser.add_argument("--once", action="store_true", help="one look, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler.register()
        if options["once"]:
            self.stdout.write(f"ran {scheduler.tick()} job(s)")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        self.stdout.write("scheduler running")
        while not stop.is_set():
            close_old_connections()  # a long-lived process must not keep a dead one
            scheduler.tick()
            stop.wait(options["interval"])
