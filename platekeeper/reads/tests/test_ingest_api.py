from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from platekeeper.reads import blobs
from platekeeper.reads.models import Camera, IngestReceipt, Plate, PlateRead
from platekeeper.test import JPEG_B64, JPEG_BYTES, BaseTestCase

URL = "/api/v1/reads"


def item(event_id: str = "e1", plate: str = "7ABC123", **fields: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "plate": plate,
        "confidence": 0.91,
        "captured_at": (timezone.now() - timedelta(seconds=5)).isoformat(),
        **fields,
    }


class IngestApiTestCase(BaseTestCase):
    def post(self, body: Any, key: str | None = None, raw: str | None = None) -> Any:
        return self.client.post(
            URL,
            raw if raw is not None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key or self.camera_key}",
        )

    def test_it_stores_one_read(self) -> None:
        r = self.post(
            item(
                plate="7-abc 123",
                state="ca",
                latitude=33.91,
                longitude=-118.35,
                vehicle={"make": "Toyota", "color": "white", "type": "sedan"},
                candidates=[{"plate": "7ABC123", "confidence": 0.91}],
            )
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["stored"], 1)
        read = PlateRead.objects.get()
        self.assertEqual(read.plate.plate, "7ABC123")
        self.assertEqual(read.plate_text, "7-abc 123")
        self.assertEqual(
            (read.state, read.vehicle_make, read.camera), ("CA", "Toyota", self.camera)
        )
        self.assertEqual(read.candidates, [{"plate": "7ABC123", "confidence": 0.91}])
        self.assertIsNotNone(Camera.objects.get(pk=self.camera.pk).last_seen_at)

    def test_it_keeps_capture_and_arrival_time_apart(self) -> None:
        captured = timezone.now() - timedelta(minutes=7)
        self.post(item(captured_at=captured.isoformat()))
        read = PlateRead.objects.get()
        self.assertEqual(read.captured_at, captured)
        self.assertGreater(read.received_at - read.captured_at, timedelta(minutes=6))

    def test_it_stores_good_items_and_reports_bad_ones_by_index(self) -> None:
        batch = [
            item("a"),
            item("b", plate="---"),
            item("c"),
            item("d", confidence=1.7),
            {"plate": "X"},
            item("f", captured_at="yesterday"),
        ]
        r = self.post({"reads": batch})
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual((body["stored"], body["rejected"]), (2, 4))
        statuses = [(i["index"], i["status"]) for i in body["items"]]
        self.assertEqual(
            statuses,
            [
                (0, "stored"),
                (1, "rejected"),
                (2, "stored"),
                (3, "rejected"),
                (4, "rejected"),
                (5, "rejected"),
            ],
        )
        self.assertIn("plate", body["items"][1]["errors"][0])
        self.assertIn("confidence", body["items"][3]["errors"][0])
        self.assertTrue(any("event_id" in e for e in body["items"][4]["errors"]))
        self.assertEqual(PlateRead.objects.count(), 2)
        self.assertEqual(IngestReceipt.objects.count(), 2)

    def test_it_answers_422_when_nothing_in_the_batch_is_usable(self) -> None:
        r = self.post([item("a", plate=""), item("b", confidence="high")])
        self.assertEqual(r.status_code, 422)
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_does_not_duplicate_a_resent_event(self) -> None:
        first = self.post([item("a"), item("b", plate="8XYZ999")]).json()
        again = self.post([item("a"), item("b", plate="8XYZ999"), item("c")]).json()
        self.assertEqual(
            [i["status"] for i in again["items"]], ["duplicate", "duplicate", "stored"]
        )
        self.assertEqual(again["items"][0]["read_id"], first["items"][0]["read_id"])
        self.assertEqual(PlateRead.objects.count(), 3)

    def test_it_stores_an_event_repeated_within_one_batch_once(self) -> None:
        body = self.post([item("a"), item("a")]).json()
        self.assertEqual([i["status"] for i in body["items"]], ["stored", "duplicate"])
        self.assertEqual(body["items"][0]["read_id"], body["items"][1]["read_id"])
        self.assertEqual(PlateRead.objects.count(), 1)

    def test_it_lets_two_cameras_use_the_same_event_id(self) -> None:
        self.post([item("a")])
        self.post([item("a")], key=self.inglewood_camera_key)
        self.assertEqual(PlateRead.objects.count(), 2)

    def test_it_points_reads_of_one_plate_at_one_distinct_plate(self) -> None:
        self.post(
            [
                item("a", plate="7ABC123"),
                item("b", plate="7 abc-123"),
                item("c", plate="8OB1"),
            ]
        )
        self.assertEqual(Plate.objects.count(), 2)
        bob = Plate.objects.get(plate="8OB1")
        self.assertEqual((bob.misread_key, bob.plate_reversed), ("8081", "1BO8"))

    def test_it_refuses_an_unknown_key(self) -> None:
        r = self.post(item(), key="pk_not-a-key")
        self.assertEqual(r.status_code, 401)
        self.assertIn("Bearer", r["WWW-Authenticate"])
        self.assertEqual(PlateRead.objects.count(), 0)

    @pytest.mark.requirement("R1")
    def test_it_refuses_a_missing_key(self) -> None:
        r = self.client.post(URL, json.dumps(item()), content_type="application/json")
        self.assertEqual(r.status_code, 401)

    def test_it_refuses_a_revoked_key(self) -> None:
        self.camera.revoke_key()
        self.camera.save()
        r = self.post(item())
        self.assertEqual(r.status_code, 401)
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_refuses_the_old_key_after_rotation(self) -> None:
        new_key = self.camera.new_key()
        self.camera.save()
        self.assertEqual(self.post(item("a")).status_code, 401)
        self.assertEqual(self.post(item("b"), key=new_key).status_code, 200)

    def test_it_refuses_a_camera_not_approved_under_the_policy(self) -> None:
        Camera.objects.filter(pk=self.camera.pk).update(approved=False)
        r = self.post(item())
        self.assertEqual(r.status_code, 403)
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_refuses_malformed_json_with_a_reason(self) -> None:
        r = self.post(None, raw='[{"event_id": "a", ')
        self.assertEqual(r.status_code, 400)
        self.assertIn("malformed JSON", r.json()["error"])
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_refuses_a_body_that_is_not_reads(self) -> None:
        for body in ("42", '{"reads": "x"}', "[]"):
            with self.subTest(body=body):
                self.assertEqual(self.post(None, raw=body).status_code, 400)

    def test_it_refuses_a_batch_over_the_limit(self) -> None:
        with override_settings(INGEST_MAX_BATCH=3):
            r = self.post([item(str(i)) for i in range(4)])
        self.assertEqual(r.status_code, 400)
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_refuses_get(self) -> None:
        r = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {self.camera_key}")
        self.assertEqual(r.status_code, 405)

    def test_it_refuses_a_capture_time_a_day_ahead(self) -> None:
        ahead = (timezone.now() + timedelta(hours=25)).isoformat()
        r = self.post(
            [item("a", captured_at=ahead), item("b", captured_at="2026-01-01T10:00:00")]
        )
        errors = [i["errors"][0] for i in r.json()["items"]]
        self.assertIn("future", errors[0])
        self.assertIn("timezone", errors[1])

    def test_it_stores_images_by_content(self) -> None:
        with self.settings(IMAGES_DIR=self.tmp_images()):
            self.post(item(plate_image=JPEG_B64, overview_image=JPEG_B64))
            read = PlateRead.objects.get()
            self.assertEqual(read.plate_image, read.overview_image)
            self.assertEqual(blobs.get(read.plate_image), JPEG_BYTES)

    def test_it_rejects_an_image_that_is_not_one(self) -> None:
        r = self.post(
            [item("a", plate_image="bm90IGFuIGltYWdl"), item("b", plate_image="%%%")]
        )
        errors = [i["errors"][0] for i in r.json()["items"]]
        self.assertIn("JPEG or PNG", errors[0])
        self.assertIn("base64", errors[1])

    def tmp_images(self) -> str:
        import tempfile

        path = tempfile.mkdtemp(prefix="pk-images-")
        self.addCleanup(__import__("shutil").rmtree, path, True)
        return path

    def test_it_refuses_nul_characters_on_every_database(self) -> None:
        r = self.post(
            [
                item("a", plate="7ABC\u0000123"),
                item("b", details={"x": "\u0000"}),
                item("c"),
            ]
        )
        statuses = [i["status"] for i in r.json()["items"]]
        self.assertEqual(statuses, ["rejected", "rejected", "stored"])
        self.assertIn("NUL", r.json()["items"][0]["errors"][0])
