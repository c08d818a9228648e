"""Frigate over MQTT against a real Mosquitto that this test starts (and kills)."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from django.db import connection
from django.utils import timezone

from platekeeper.reads.models import Camera, PlateRead
from platekeeper.reads.mqtt import Broker, FrigateListener
from platekeeper.service.bench import free_port
from platekeeper.test import LiveTestCase, wait_for

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class Mosquitto:
    """A broker of our own: a free port, a persistence directory, killable."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pk-mosquitto-"))
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {self.dir}/\nautosave_interval 1\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.listening, 10), "mosquitto did not start"

    def listening(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def frigate_event(n: int) -> bytes:
    return json.dumps(
        {
            "type": "update",
            "before": {},
            "after": {
                "id": f"{1700000000 + n}.5-mqtt{n:02}",
                "camera": "driveway_cam",
                "label": "car",
                "frame_time": timezone.now().timestamp() - 5,
                "recognized_license_plate": f"7MQT{n:03}",
                "recognized_license_plate_score": 0.91,
            },
        }
    ).encode()


class MqttTestCase(LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        Camera.objects.filter(pk=self.camera.pk).update(frigate_camera="driveway_cam")
        self.broker = Mosquitto()
        self.broker.start()
        self.addCleanup(self.broker.stop)
        self.acked: list[str] = []
        self.listener = FrigateListener(
            Broker("127.0.0.1", self.broker.port),
            client_id="pk-test-listener",
            on_stored=self.acked.append,
        )
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()
        self.addCleanup(self._stop_listening)
        self.publisher = self._publisher()

    def _listen(self) -> None:
        try:
            self.listener.run()
        finally:
            connection.close()

    def _stop_listening(self) -> None:
        self.listener.stop()
        self.thread.join(10)
        self.publisher.loop_stop()

    def _publisher(self) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id="pk-test-frigate",
            clean_session=False,
        )
        client.reconnect_delay_set(1, 2)
        client.connect("127.0.0.1", self.broker.port)
        client.loop_start()
        assert wait_for(client.is_connected, 10)
        return client

    def publish(self, numbers: range, topic: str = "frigate/events") -> None:
        for n in numbers:
            self.publisher.publish(topic, frigate_event(n), qos=1)

    def stored_plates(self) -> list[str]:
        return list(PlateRead.objects.values_list("plate__plate", flat=True))

    def test_it_stores_frigate_reads_from_the_broker(self) -> None:
        assert self.listener.subscribed.wait(10)
        self.publish(range(5))
        self.publisher.publish(
            "frigate/tracked_object_update",
            json.dumps(
                {
                    "type": "lpr",
                    "id": f"{1700000000 + 2}.5-mqtt02",
                    "camera": "driveway_cam",
                    "plate": "7MQT002",
                    "score": 0.97,
                    "timestamp": time.time() - 4,
                }
            ),
            qos=1,
        )
        self.assertTrue(
            wait_for(
                lambda: (
                    PlateRead.objects.count() == 5
                    and PlateRead.objects.filter(confidence=0.97).exists()
                )
            )
        )
        read = PlateRead.objects.get(plate__plate="7MQT002")
        self.assertEqual(
            (read.camera_id, read.source_format), (self.camera.id, "frigate")
        )

    def test_it_loses_no_acknowledged_message_when_the_broker_dies(self) -> None:
        assert self.listener.subscribed.wait(10)
        time.sleep(1.5)  # the broker saves sessions once a second
        self.publish(range(0, 15))
        self.assertTrue(wait_for(lambda: len(self.acked) >= 3))
        self.broker.kill()  # mid-stream: some of the first 15 may still be in flight
        acked_before = set(self.acked)
        assert wait_for(lambda: not self.listener.subscribed.is_set(), 10)
        self.broker.start()
        assert wait_for(
            lambda: self.listener.subscribed.is_set() and self.publisher.is_connected(),
            30,
        )
        self.publish(range(15, 30))
        later = {f"7MQT{n:03}" for n in range(15, 30)}
        arrived = wait_for(lambda: later <= set(self.stored_plates()), 60)
        self.assertTrue(arrived, f"stored {sorted(self.stored_plates())}")
        plates = self.stored_plates()
        self.assertEqual(len(plates), len(set(plates)), "a message was stored twice")
        acked = {
            f"7MQT{int(e.split('mqtt')[1]):03}" for e in acked_before | set(self.acked)
        }
        self.assertLessEqual(acked, set(plates), "an acknowledged message was lost")

    def test_it_acknowledges_and_drops_what_it_can_never_store(self) -> None:
        assert self.listener.subscribed.wait(10)
        self.publisher.publish("frigate/events", b"not json", qos=1)
        other = json.loads(frigate_event(40))
        other["after"]["camera"] = "unknown_cam"
        self.publisher.publish("frigate/events", json.dumps(other), qos=1)
        self.publish(range(41, 42))
        self.assertTrue(wait_for(lambda: PlateRead.objects.count() == 1))
        self.assertEqual(self.stored_plates(), ["7MQT041"])


class HandleTestCase(LiveTestCase):
    def test_it_needs_an_approved_camera_for_the_frigate_name(self) -> None:
        listener = FrigateListener(Broker("127.0.0.1", 1))
        Camera.objects.filter(pk=self.camera.pk).update(
            frigate_camera="driveway_cam", approved=False
        )
        self.assertEqual(listener.handle(frigate_event(1)), "")
        Camera.objects.filter(pk=self.camera.pk).update(approved=True)
        self.assertEqual(listener.handle(frigate_event(1)), "1700000001.5-mqtt01")
        self.assertEqual(PlateRead.objects.count(), 1)

    def test_it_reads_a_broker_url(self) -> None:
        broker: Any = Broker.from_url("mqtt://user:pw@broker.local:1884")
        self.assertEqual(
            (broker.host, broker.port, broker.username), ("broker.local", 1884, "user")
        )
        with self.assertRaises(ValueError):
            Broker.from_url("http://x")


class CameraCommandTestCase(LiveTestCase):
    def test_it_creates_a_camera_mapped_to_a_frigate_name(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command(
            "camera",
            "create",
            "Driveway",
            "--agency",
            "CA0194200",
            "--approved",
            "--frigate",
            "driveway_cam",
            stdout=out,
        )
        self.assertIn("shown once", out.getvalue())
        self.assertTrue(
            Camera.objects.get(name="Driveway").frigate_camera == "driveway_cam"
        )
