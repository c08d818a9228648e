"""A patrol car's sign-in, hot-list copy and offline access records, and the
model files' checks."""

from __future__ import annotations

import http.server
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.hotlists.models import HotList
from platekeeper.reads.models import Camera
from platekeeper.recognition import weights
from platekeeper.test import PASSWORD, SHARED, BaseTestCase, totp_code


class DeviceTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.unit = Camera(
            agency=self.hawthorne, name="Unit 7", kind=Camera.Kind.MOBILE, approved=True
        )
        self.key = self.unit.new_key()
        self.unit.save()
        stolen = HotList.objects.create(
            agency=self.hawthorne,
            name="Stolen",
            source=HotList.Source.AGENCY,
            created_by="dave",
        )
        stolen.entries.create(plate="6TRW519", category="V", entered_by="dave")
        covert = HotList.objects.create(
            agency=self.hawthorne,
            name="Narcotics",
            source=HotList.Source.AGENCY,
            created_by="dave",
            covert=True,
        )
        covert.entries.create(plate="8XYZ001", category="F", entered_by="dave")
        self.device = Client(HTTP_AUTHORIZATION=f"Bearer {self.key}")

    def sign_in(self, user: Any, **body: str) -> Any:
        data = {
            "username": user.username,
            "password": PASSWORD,
            "code": totp_code(user),
            **body,
        }
        return self.device.post(
            "/api/v1/device/operator", data, content_type="application/json"
        )

    def test_it_signs_an_officer_in_and_gives_the_lists_the_car_may_hold(self) -> None:
        token = self.sign_in(self.olivia).json()["token"]
        answer = self.device.get("/api/v1/device/hotlist", HTTP_X_OPERATOR_TOKEN=token)
        self.assertEqual(
            [e["plate"] for e in answer.json()["entries"]], ["6TRW519"]
        )  # not covert
        self.assertTrue(
            AccessRecord.objects.filter(
                action=Action.LOGIN, criteria__device="Unit 7"
            ).exists()
        )
        download = AccessRecord.objects.get(action=Action.HOTLIST_DOWNLOADED)
        self.assertEqual(
            (download.actor_username, download.result_count), ("olivia", 1)
        )

    @pytest.mark.requirement("R12")
    def test_it_refuses_the_untrained_the_untitled_and_other_agencies(self) -> None:
        untrained = self.person(
            "ursula", self.hawthorne, "Police Officer", trained=False
        )
        self.assertContains(self.sign_in(untrained), "training", status_code=403)
        self.assertContains(
            self.sign_in(self.tom), "may not handle ALPR alerts", status_code=403
        )
        self.assertContains(self.sign_in(self.otto), "another agency", status_code=403)
        self.assertContains(
            self.sign_in(self.olivia, password="wrong"),
            "wrong username",
            status_code=401,
        )
        self.assertContains(
            self.sign_in(self.olivia, code="000000"), "one-time code", status_code=401
        )
        self.assertEqual(self.device.get("/api/v1/device/hotlist").status_code, 401)
        stranger = Client(HTTP_AUTHORIZATION="Bearer not-a-key")
        self.assertEqual(stranger.get("/api/v1/device/hotlist").status_code, 401)

    @pytest.mark.requirement("R13")
    def test_it_records_each_alert_viewed_offline_once(self) -> None:
        token = self.sign_in(self.olivia).json()["token"]
        viewed = {
            "event_id": "a1",
            "viewed_at": "2026-12-01T09:15:00+00:00",
            "plate": "6TRW519",
            "entry_id": 1,
            "read_event_id": "r1",
        }
        impossible = {
            **viewed,
            "event_id": "a3",
            "viewed_at": "2026-13-45T99:00:00+00:00",
        }
        body = {"accesses": [viewed, {"event_id": "a2"}, impossible]}
        for expected in ((1, 0), (0, 1)):
            answer = self.device.post(
                "/api/v1/device/accesses",
                body,
                content_type="application/json",
                HTTP_X_OPERATOR_TOKEN=token,
            ).json()
            self.assertEqual((answer["recorded"], answer["duplicate"]), expected)
            self.assertEqual([r["index"] for r in answer["rejected"]], [1, 2])
        record = AccessRecord.objects.get(action=Action.ALERT_VIEWED)
        self.assertEqual(
            (record.criteria["viewed_at"], record.criteria["device"]),
            ("2026-12-01T09:15:00+00:00", "Unit 7"),
        )
        other = Camera(agency=self.hawthorne, name="Unit 8", approved=True)
        other_key = other.new_key()
        other.save()
        answer = Client(HTTP_AUTHORIZATION=f"Bearer {other_key}").post(
            "/api/v1/device/accesses",
            body,
            content_type="application/json",
            HTTP_X_OPERATOR_TOKEN=token,
        )
        self.assertContains(answer, "another device", status_code=401)


class ModelFileTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, True)

    def test_it_refuses_a_model_file_that_is_not_the_one_measured(self) -> None:
        (self.folder / weights.DETECTOR.name).write_bytes(b"tampered")
        with (
            override_settings(MODEL_DIR=self.folder),
            self.assertRaisesMessage(weights.ModelError, "SHA-256"),
        ):
            weights.locate(weights.DETECTOR)

    def test_it_says_where_to_put_a_missing_file_when_downloads_are_off(self) -> None:
        with (
            override_settings(MODEL_DIR=self.folder),
            self.assertRaisesMessage(weights.ModelError, "is not in"),
        ):
            weights.locate(weights.DETECTOR)

    def test_it_downloads_checks_and_keeps_only_the_right_file(self) -> None:
        served = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, served, True)
        shutil.copy(SHARED / "models" / weights.DETECTOR.name, served / "good.onnx")
        (served / "bad.onnx").write_bytes(b"not the model")

        def handler(*args: Any) -> http.server.SimpleHTTPRequestHandler:
            return http.server.SimpleHTTPRequestHandler(*args, directory=str(served))

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        bad = weights.ModelFile(
            weights.DETECTOR.name, weights.DETECTOR.sha256, base + "bad.onnx"
        )
        with self.assertRaisesMessage(weights.ModelError, "SHA-256"):
            weights.download(bad, self.folder)
        self.assertEqual(list(self.folder.iterdir()), [])  # nothing half-kept
        good = weights.ModelFile(
            weights.DETECTOR.name, weights.DETECTOR.sha256, base + "good.onnx"
        )
        self.assertEqual(
            weights.download(good, self.folder), self.folder / weights.DETECTOR.name
        )
        missing = weights.ModelFile("x.onnx", "0" * 64, base + "missing.onnx")
        with self.assertRaisesMessage(weights.ModelError, "could not download"):
            weights.download(missing, self.folder)


class CarRefusedTestCase(BaseTestCase):
    def test_it_keeps_its_copy_and_says_so_when_the_sign_in_ran_out(self) -> None:
        from platekeeper.recognition import edge
        from platekeeper.recognition.car import Car

        class Expired(edge.Link):
            def hot_list(self) -> dict[str, Any]:
                raise edge.Refused("sign the operator in again")

        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, True)
        said: list[str] = []
        car = Car(Expired("http://127.0.0.1:9", "key"), folder, "key", say=said.append)
        car.hot_list.save(
            [{"entry_id": 1, "plate": "6TRW519", "tolerant": False}], "then"
        )
        car.refresh()
        self.assertIn("must sign in again", said[0])
        self.assertEqual(
            [h.entry["plate"] for h in car.hot_list.match("6TRW519")], ["6TRW519"]
        )
