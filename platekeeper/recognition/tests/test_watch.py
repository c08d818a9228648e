"""A patrol car's recognizer with the server cut off and back (issue 12)."""

from __future__ import annotations

import http.server
import os
import random
import shutil
import socket
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import cv2
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.hotlists.models import HotList
from platekeeper.reads.models import Camera, PlateRead
from platekeeper.recognition import edge, synthetic, video
from platekeeper.recognition.car import Car
from platekeeper.recognition.management.commands.watch import run
from platekeeper.test import PASSWORD, LiveServer, LiveTestCase, totp_code

PASSING, STOLEN = "4GKT218", "6TRW519"
FPS = 4
RECORDED = datetime(2026, 11, 30, 22, 15, tzinfo=UTC)


class Link:
    """A TCP relay to the server that can be cut: while cut, every connection
    is closed at once, as a dead cellular link or a down server would. Cutting
    it closes the connections already open too: the car's client keeps one
    alive from its sign-in, and through it the reads would still arrive."""

    def __init__(self, port: int) -> None:
        self.target = port
        self._cut = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def cut(self) -> bool:
        return self._cut

    @cut.setter
    def cut(self, cut: bool) -> None:
        with self.lock:
            self._cut = cut
            if cut:
                for s in self.open:
                    _close(s)
                self.open.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self._cut:
                    client.close()
                    continue
                server = socket.create_connection(("127.0.0.1", self.target))
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        self.listener.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            _close(s)


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def write_video(path: Path) -> None:
    """Two cars passing, each seen for a second, with empty road between."""
    rng = random.Random(4)
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (1280, 720)
    )
    road = np.full((720, 1280, 3), 90, np.uint8)
    for text in (PASSING, STOLEN):
        for _ in range(FPS):
            picture, _, _ = synthetic.scene(
                random.Random(rng.random()), street=False, text=text, plate_width=200
            )
            writer.write(picture)
        for _ in range(3 * FPS):
            writer.write(road)
    writer.release()


@pytest.mark.requirement("R13")
class WatchTestCase(LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.unit = Camera(
            agency=self.hawthorne,
            name="Unit 12",
            kind=Camera.Kind.MOBILE,
            approved=True,
        )
        self.unit_key = self.unit.new_key()
        self.unit.save()
        stolen = HotList.objects.create(
            agency=self.hawthorne,
            name="Stolen vehicles",
            source=HotList.Source.AGENCY,
            created_by="dave",
        )
        stolen.entries.create(
            plate=STOLEN, category="V", entered_by="dave", vehicle="Blue Civic"
        )
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.said: list[str] = []

    def car(self, url: str) -> Car:
        return Car(
            edge.Link(url, self.unit_key, timeout=5),
            self.folder / "car",
            self.unit_key,
            say=self.said.append,
        )

    def test_it_alerts_offline_and_delivers_everything_once_when_the_server_is_back(
        self,
    ) -> None:
        clip = self.folder / "patrol.avi"
        write_video(clip)
        with LiveServer() as server:
            link = Link(server.port)
            self.addCleanup(link.close)
            car = self.car(f"http://127.0.0.1:{link.port}")
            car.sign_in("olivia", PASSWORD, totp_code(self.olivia))

            link.cut = True
            run(car, str(clip), every=1 / FPS, gap=1.5)
            # The stolen car alerted from the local copy, with the server away.
            alerts = [s for s in self.said if s.startswith("ALERT")]
            self.assertEqual(len(alerts), 1, self.said)
            self.assertIn(STOLEN, alerts[0])
            self.assertIn("Blue Civic", alerts[0])
            self.assertEqual(car.waiting(), (2, 1))
            self.assertFalse(PlateRead.objects.filter(camera=self.unit).exists())
            kept = {
                p.name: p.read_bytes()
                for p in (self.folder / "car" / "spool").rglob("*.json")
            }

            link.cut = False
            self.assertEqual(car.deliver(), (2, 1))
            self.assertEqual(
                car.waiting(), (0, 0)
            )  # local copies deleted once delivered
            # The answer lost on the way back: the car sends it all again.
            for name, data in kept.items():
                kind = "reads" if json_kind(data) == "read" else "accesses"
                (self.folder / "car" / "spool" / kind / name).write_bytes(data)
            self.assertEqual(car.deliver(), (2, 1))

        reads = PlateRead.objects.filter(camera=self.unit)
        self.assertEqual(
            sorted(r.plate.plate for r in reads), sorted([PASSING, STOLEN])
        )
        viewed = AccessRecord.objects.filter(
            action=Action.ALERT_VIEWED, criteria__in_car=True
        )
        self.assertEqual(viewed.count(), 1)
        self.assertEqual(viewed[0].actor_username, "olivia")
        self.assertEqual(viewed[0].criteria["plate"], STOLEN)

    def test_it_keeps_the_hot_list_copy_encrypted_under_the_device_key(self) -> None:
        with LiveServer() as server:
            self.car(server.url).sign_in("olivia", PASSWORD, totp_code(self.olivia))
        stored = (self.folder / "car" / "hotlist.bin").read_bytes()
        self.assertNotIn(STOLEN.encode(), stored)
        self.assertFalse(
            edge.LocalHotList(self.folder / "car" / "hotlist.bin", "not-the-key").load()
        )
        copy = edge.LocalHotList(self.folder / "car" / "hotlist.bin", self.unit_key)
        self.assertTrue(copy.load())
        self.assertEqual([h.entry["plate"] for h in copy.match(STOLEN)], [STOLEN])
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.HOTLIST_DOWNLOADED, actor_username="olivia"
            ).exists()
        )


def json_kind(data: bytes) -> str:
    return "read" if b'"captured_at"' in data else "access"


class CommandTestCase(WatchTestCase):
    def watch(self, url: str, clip: Path, key: str, **options: Any) -> str:
        out = StringIO()
        env = {"PLATEKEEPER_DEVICE_KEY": key, "PLATEKEEPER_OPERATOR_PASSWORD": PASSWORD}
        with mock.patch.dict(os.environ, env):
            call_command(
                "watch",
                str(clip),
                camera="Unit 12",
                server=url,
                operator="olivia",
                code=totp_code(self.olivia),
                folder=self.folder / "cmd",
                stdout=out,
                **options,
            )
        return out.getvalue()

    def test_it_watches_a_file_and_sends_one_read_per_pass(self) -> None:
        clip = self.folder / "patrol.avi"
        write_video(clip)
        with LiveServer() as server:
            said = self.watch(server.url, clip, self.unit_key, recorded_at=RECORDED)
        self.assertIn(f"ALERT {STOLEN}", said)
        # Capture times: the recording's start plus each pass's best frame.
        times = sorted(
            r.captured_at for r in PlateRead.objects.filter(camera=self.unit)
        )
        self.assertTrue(
            RECORDED <= times[0] < times[1] < RECORDED + timedelta(seconds=9)
        )
        self.assertIn("waiting for the server: 0 reads, 0 access records", said)
        self.assertEqual(PlateRead.objects.filter(camera=self.unit).count(), 2)

    def test_it_refuses_a_camera_not_approved_as_alpr(self) -> None:
        self.unit.approved = False
        self.unit.save()
        clip = self.folder / "patrol.avi"
        with (
            LiveServer() as server,
            self.assertRaisesMessage(CommandError, "not approved"),
        ):
            self.watch(server.url, clip, self.unit_key)

    # Not inherited: run once, in WatchTestCase.
    test_it_alerts_offline_and_delivers_everything_once_when_the_server_is_back = None  # type: ignore[assignment]
    test_it_keeps_the_hot_list_copy_encrypted_under_the_device_key = None  # type: ignore[assignment]


class StreamTestCase(SimpleTestCase):
    def test_it_opens_a_dropped_stream_again(self) -> None:
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, True)
        write_video(folder / "feed.avi")  # 32 frames; served whole, then the link ends
        requests: list[str] = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any) -> None:
                super().__init__(*args, directory=str(folder))

            def log_message(self, *args: Any) -> None:
                requests.append(self.path)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.avi"
        seen = 0
        for _ in video.frames(url, every=1 / FPS, retry=0.05):
            seen += 1
            if seen == 80:
                break
        self.assertEqual(seen, 80)
        self.assertGreaterEqual(len(requests), 3)
