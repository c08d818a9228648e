"""Frigate over MQTT: the `platekeeper mqtt` listener.

QoS 1 on a persistent session (fixed client id, clean_session off), so the
broker keeps what arrives while we are away. A message is acknowledged only
after its read is committed: if storing fails, we drop the connection without
acknowledging and the broker delivers it again when we are back. A message
that can never be stored (not JSON, an unknown camera) is acknowledged and
logged, or it would come back forever.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson
import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from platekeeper.lib.files import write_atomically
from platekeeper.reads.adapters import PayloadError, frigate
from platekeeper.reads.models import Camera
from platekeeper.reads.views import check_size, store_parsed

# Where the listener says whether it is subscribed (read by /health).
STATE_FILE = "mqtt-listener.json"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> Broker:
        parts = urlparse(url)
        if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
            raise ValueError(f"not an mqtt:// URL: {url!r}")
        return cls(parts.hostname, parts.port or 1883, parts.username, parts.password)


class FrigateListener:
    def __init__(
        self,
        broker: Broker,
        prefix: str = "frigate",
        client_id: str = "platekeeper",
        on_stored: Callable[[str], None] | None = None,
    ) -> None:
        self.broker = broker
        self.topics = [f"{prefix}/events", f"{prefix}/tracked_object_update"]
        self.on_stored = on_stored  # tests watch what was acknowledged
        self.stopping = threading.Event()
        # Set once the broker has confirmed our subscriptions; until then a
        # message published to a broker that lost its sessions goes nowhere.
        self.subscribed = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            manual_ack=True,
        )
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_: self._state(True)
        self.client.on_disconnect = lambda *_: self._state(False)

    def _state(self, subscribed: bool) -> None:
        """Say whether messages are being received, for /health (a file: the
        listener is its own process)."""
        if subscribed:
            self.subscribed.set()
        else:
            self.subscribed.clear()
        note = {
            "state": "subscribed" if subscribed else "disconnected",
            "pid": os.getpid(),
            "at": timezone.now().isoformat(),
        }
        path = Path(settings.DATA_DIR) / STATE_FILE
        try:
            write_atomically(path, json.dumps(note).encode())
        except OSError as exc:  # a full disk must not stop the listener
            logger.warning("could not write %s: %s", path, exc)

    def run(self) -> None:
        """Connect (retrying until the broker is there) and handle messages until stopped."""
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)

    def stop(self) -> None:
        self.stopping.set()
        self.client.disconnect()

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: Any,
        reason: Any,
        properties: Any,
    ) -> None:
        if reason.is_failure:
            logger.warning("MQTT broker refused the connection: %s", reason)
            return
        client.subscribe([(topic, 1) for topic in self.topics])
        logger.info(
            "listening to %s on %s:%s",
            ", ".join(self.topics),
            self.broker.host,
            self.broker.port,
        )

    def _on_message(
        self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage
    ) -> None:
        close_old_connections()
        try:
            event = self.handle(bytes(message.payload))
        except DatabaseError as exc:
            # Not acknowledged: reconnecting makes the broker send it again.
            logger.error("could not store an MQTT message (%s); reconnecting", exc)
            client.disconnect()
            if not self.stopping.is_set():
                client.reconnect()
            return
        client.ack(message.mid, message.qos)
        if event and self.on_stored:
            self.on_stored(event)

    def handle(self, payload: bytes) -> str:
        """Store one Frigate message; return its event id ('' when nothing was stored)."""
        try:
            body = orjson.loads(payload)
            parsed = frigate.parse(body)
            check_size(parsed)
        except (orjson.JSONDecodeError, PayloadError) as exc:
            logger.warning("dropped an MQTT message that is not Frigate's: %s", exc)
            return ""
        name = frigate.camera_of(body)
        camera = Camera.objects.filter(
            frigate_camera=name, approved=True, key_revoked_at=None
        ).first()
        if camera is None:
            logger.warning(
                "dropped a read from Frigate camera %r: no approved camera has "
                "that Frigate name",
                name,
            )
            return ""
        results = store_parsed(camera, parsed, "frigate", payload)
        for r in results:
            if r.status == "rejected":
                logger.warning("rejected a Frigate read: %s", "; ".join(r.errors))
        return str(parsed.reads[0].fields.get("event_id", "")) if parsed.reads else ""
