"""Run what production runs: the web app (uvicorn), the scheduler and, in demo
mode, a simulated camera feed; restart any that dies; stop all on SIGTERM."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from platekeeper.service.supervisor import Child, Supervisor


def children(host: str, port: int, demo: bool) -> list[Child]:
    me = [sys.executable, "-m", "platekeeper"]
    out = [
        Child(
            "web",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "platekeeper.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--no-access-log",
                # Open alert streams never finish on their own: stop waiting for them.
                "--timeout-graceful-shutdown",
                "3",
            ],
        ),
        Child("scheduler", [*me, "scheduler"]),
    ]
    if settings.MQTT_URL:
        out.append(Child("mqtt", [*me, "mqtt"]))
    if demo:
        out.append(
            Child(
                "demo feed",
                [
                    *me,
                    "simulate",
                    "--rate",
                    "2",
                    "--duration",
                    "0",
                    "--url",
                    f"http://{host}:{port}",
                    "--wait",
                ],
            )
        )
    return out


class Command(BaseCommand):
    help = "Run the web app and the background processes under one supervisor."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--demo",
            action="store_true",
            default=settings.DEMO,
            help="also run a simulated camera feed (PLATEKEEPER_DEMO)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        supervisor = Supervisor(
            children(options["host"], options["port"], options["demo"])
        )
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        self.stdout.write(f"Platekeeper on http://{options['host']}:{options['port']}/")
        supervisor.run()
