"""Listen to Frigate over MQTT and store its plate reads (run by `serve`)."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from platekeeper.reads.mqtt import Broker, FrigateListener


class Command(BaseCommand):
    help = "Subscribe to Frigate's MQTT topics and store the plates it recognizes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url",
            default=settings.MQTT_URL,
            help="mqtt://[user:pass@]host[:port] (PLATEKEEPER_MQTT_URL)",
        )
        parser.add_argument("--prefix", default=settings.MQTT_TOPIC_PREFIX)
        parser.add_argument("--client-id", default=settings.MQTT_CLIENT_ID)

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["url"]:
            raise CommandError("no broker: set PLATEKEEPER_MQTT_URL or pass --url")
        try:
            broker = Broker.from_url(opts["url"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        listener = FrigateListener(broker, opts["prefix"], opts["client_id"])
        signal.signal(signal.SIGTERM, lambda *_: listener.stop())
        signal.signal(signal.SIGINT, lambda *_: listener.stop())
        listener.run()
