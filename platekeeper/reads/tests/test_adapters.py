from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from platekeeper.lib import plates
from platekeeper.reads.models import Camera, PlateRead, ReadCandidate
from platekeeper.reads.tests.samples import sample
from platekeeper.test import JPEG_BYTES, BaseTestCase


def utc(
    y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0
) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


class AdapterTestCase(BaseTestCase):
    def post(self, fmt: str, body: Any, key: str | None = None) -> Any:
        return self.client.post(
            f"/api/v1/ingest/{fmt}",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key or self.camera_key}",
        )

    def stored(self) -> list[PlateRead]:
        return list(PlateRead.objects.select_related("plate", "camera").order_by("id"))

    def assertRead(self, read: PlateRead, **expected: Any) -> None:  # noqa: N802
        for name, value in expected.items():
            actual: Any = read.plate.plate if name == "plate" else getattr(read, name)
            if isinstance(value, float):
                self.assertAlmostEqual(actual, value, places=4, msg=name)
            else:
                self.assertEqual(actual, value, msg=name)


class OpenAlprTestCase(AdapterTestCase):
    def test_it_takes_an_alpr_group_v2(self) -> None:
        r = self.post("openalpr", sample("openalpr_alpr_group_v2_agent"))
        self.assertEqual(r.json()["stored"], 1)
        [read] = self.stored()
        self.assertRead(
            read,
            plate="D2651BF",
            state="MO",
            state_confidence=0.572820,
            confidence=0.938771,
            captured_at=utc(2019, 7, 9, 14, 5, 21, 504000),
            camera=self.camera,
            latitude=37.635986,
            longitude=-79.205933,
            heading=85.553284,
            vehicle_make="ford",
            vehicle_color="black",
            vehicle_type="sedan-standard",
            source_format="openalpr",
        )
        self.assertEqual(
            read.vehicle_attributes["make"][0],
            {"name": "ford", "confidence": pytest.approx(0.189259, abs=1e-5)},
        )
        self.assertEqual(read.candidates[0]["plate"], "D2651BF")
        self.assertTrue(read.plate_image and read.overview_image)
        self.assertEqual(read.details["frames"], 3)

    def test_it_takes_an_alpr_group_v1(self) -> None:
        self.post("openalpr", sample("openalpr_alpr_group_v1"))
        [read] = self.stored()
        self.assertRead(
            read,
            plate="A13709",
            state="MO",
            confidence=0.920752,
            captured_at=utc(2015, 11, 24, 0, 50, 8, 789000),
            latitude=self.camera.latitude,
            longitude=self.camera.longitude,
        )

    def test_it_takes_an_alpr_group_v3(self) -> None:
        self.post("openalpr", sample("openalpr_alpr_group_v3"))
        [read] = self.stored()
        self.assertRead(
            read,
            plate="19462SH",
            state="MA",
            state_confidence=0.840667,
            confidence=0.932547,
            captured_at=utc(2021, 7, 30, 20, 12, 7, 855000),
            latitude=39.6505,
            longitude=-78.7661,
            heading=296.557922,
            vehicle_make="bmw",
            vehicle_color="white",
            vehicle_type="suv-crossover",
        )
        self.assertTrue(read.plate_image and read.overview_image)

    def test_it_takes_per_frame_alpr_results(self) -> None:
        self.post("openalpr", sample("openalpr_alpr_results_v2_agent"))
        first, second = self.stored()
        self.assertRead(
            first,
            plate="D2651BF",
            state="MO",
            confidence=0.929419,
            state_confidence=0.40,
            captured_at=utc(2019, 7, 9, 14, 13, 28, 425000),
        )
        self.assertRead(second, plate="CG3L5Y", confidence=0.947376)
        self.assertTrue(first.plate_image)

    def test_it_takes_open_source_alprd_results(self) -> None:
        self.post("openalpr", sample("openalpr_alprd_opensource_results"))
        first, second = self.stored()
        self.assertRead(
            first,
            plate="S11FRE",
            state="",
            state_confidence=None,
            confidence=0.771307,
            captured_at=utc(2014, 6, 7, 17, 10, 50),
        )
        self.assertRead(
            second, plate="EJLESSIE", captured_at=utc(2014, 6, 7, 16, 20, 50)
        )

    def test_it_records_a_heartbeat(self) -> None:
        r = self.post("openalpr", sample("openalpr_heartbeat"))
        self.assertEqual(r.json()["heartbeat"], "recorded")
        camera = Camera.objects.get(pk=self.camera.pk)
        self.assertIsNotNone(camera.last_heartbeat_at)
        self.assertEqual(camera.health["agent_version"], "2.7.101")
        self.assertTrue(camera.health["streams"][0]["is_streaming"])
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_keeps_only_plain_values_of_a_heartbeat(self) -> None:
        beat = sample("openalpr_heartbeat")
        beat["processing_threads_active"] = {"\u0000": None}
        beat["agent_hostname"] = "host\u0000name"
        self.assertEqual(self.post("openalpr", beat).status_code, 200)
        health = Camera.objects.get(pk=self.camera.pk).health
        self.assertIsNone(health["processing_threads_active"])
        self.assertIsNone(health["agent_hostname"])

    def test_it_answers_a_message_without_reads_and_stores_nothing(self) -> None:
        r = self.post("openalpr", sample("openalpr_vehicle_v3"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("vehicle", r.json()["ignored"])
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_answers_a_vendor_hot_list_alert_without_storing_it(self) -> None:
        # The agent sends the alpr_group of the same pass too; hot lists are ours to match.
        r = self.post("openalpr", sample("openalpr_alpr_alert"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("alpr_alert", r.json()["ignored"])
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_keeps_the_read_when_an_image_is_not_one(self) -> None:
        r = self.post("openalpr", sample("openalpr_alpr_group_v2_agent", images=False))
        item = r.json()["items"][0]
        self.assertEqual(item["status"], "stored")
        self.assertTrue(any("plate image dropped" in w for w in item["warnings"]))
        [read] = self.stored()
        self.assertEqual((read.plate.plate, read.plate_image), ("D2651BF", ""))

    def test_it_stores_a_resent_group_once(self) -> None:
        self.post("openalpr", sample("openalpr_alpr_group_v2_agent"))
        r = self.post("openalpr", sample("openalpr_alpr_group_v2_agent"))
        self.assertEqual(r.json()["duplicate"], 1)
        self.assertEqual(PlateRead.objects.count(), 1)


class PlateRecognizerTestCase(AdapterTestCase):
    def test_it_takes_a_stream_webhook(self) -> None:
        self.post("platerecognizer", sample("platerecognizer_webhook"))
        [read] = self.stored()
        self.assertRead(
            read,
            plate="ABC123",
            plate_text="abc123",
            state="CA",
            state_confidence=0.179,
            confidence=0.902,
            captured_at=utc(2025, 11, 24, 10, 0, 0),
            heading=210.0,
            vehicle_make="Porsche",
            vehicle_color="red",
            vehicle_type="Sedan",
        )
        self.assertEqual(
            read.vehicle_attributes["make_model"][0]["name"], "Porsche 911"
        )
        self.assertEqual([c["plate"] for c in read.candidates], ["abc123", "plbrec"])

    def test_it_keeps_two_vehicles_of_one_frame_sent_in_two_webhooks(self) -> None:
        first = sample("platerecognizer_webhook")
        second = sample("platerecognizer_webhook")
        second["data"]["results"][0]["plate"] = "xyz789"
        self.post("platerecognizer", first)
        r = self.post("platerecognizer", second)
        self.assertEqual(r.json()["stored"], 1)
        self.assertEqual(PlateRead.objects.count(), 2)

    def test_it_takes_a_stream_webhook_of_the_second_shape(self) -> None:
        self.post(
            "platerecognizer", sample("platerecognizer_stream_webhook_v2_CONSTRUCTED")
        )
        [read] = self.stored()
        self.assertRead(
            read,
            plate="ABC123",
            state="CA",
            state_confidence=0.179,
            confidence=0.902,
            captured_at=utc(2025, 11, 24, 10, 0, 0),
            vehicle_make="Porsche",
            vehicle_color="red",
            vehicle_type="Sedan",
        )

    def test_it_takes_a_multipart_webhook_with_the_frame(self) -> None:
        body = json.dumps(sample("platerecognizer_webhook"))
        r = self.client.post(
            "/api/v1/ingest/platerecognizer",
            {
                "json": body,
                "upload": SimpleUploadedFile("frame.jpg", JPEG_BYTES, "image/jpeg"),
            },
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )
        self.assertEqual(r.json()["stored"], 1)
        self.assertTrue(self.stored()[0].overview_image)

    def test_it_refuses_a_multipart_webhook_without_its_json(self) -> None:
        r = self.client.post(
            "/api/v1/ingest/platerecognizer",
            {"upload": SimpleUploadedFile("frame.jpg", JPEG_BYTES, "image/jpeg")},
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )
        self.assertEqual(r.status_code, 400)

    def test_it_takes_a_snapshot_response(self) -> None:
        self.post("platerecognizer", sample("platerecognizer_snapshot_response"))
        [read] = self.stored()
        self.assertRead(
            read,
            plate="NHK552",
            state="GB",
            confidence=0.904,
            captured_at=utc(2020, 10, 12, 16, 17, 27, 574008),
            vehicle_make="Riley",
            vehicle_color="black",
            vehicle_type="Sedan",
        )

    def test_it_takes_a_snapshot_response_in_vehicle_mode(self) -> None:
        self.post(
            "platerecognizer", sample("platerecognizer_snapshot_vehicle_mode_response")
        )
        [read] = self.stored()
        self.assertRead(
            read,
            plate="NHK552",
            state="GB",
            state_confidence=0.931,
            confidence=0.838,
            captured_at=utc(2021, 11, 23, 17, 56, 47, 896406),
        )

    def test_it_takes_a_snapshot_webhook(self) -> None:
        self.post("platerecognizer", sample("platerecognizer_snapshot_webhook"))
        first, second = self.stored()
        self.assertRead(
            first,
            plate="765410",
            confidence=0.913153,
            state="",
            captured_at=utc(2019, 8, 31, 14, 22, 6, 983000),
        )
        self.assertRead(second, plate="830265", confidence=0.770064)


class FrigateAndCodeProjectTestCase(AdapterTestCase):
    def test_it_takes_a_frigate_event(self) -> None:
        self.post("frigate", sample("frigate_mqtt_events"))
        [read] = self.stored()
        self.assertRead(
            read,
            plate="ABC12345",
            confidence=0.933451,
            state="",
            captured_at=utc(2020, 12, 4, 23, 19, 22, 82975),
            heading=180.0,
            latitude=self.camera.latitude,
        )
        self.assertEqual(read.details["known_plate_name"], "John's Car")

    def test_it_takes_a_frigate_lpr_update_into_the_same_read(self) -> None:
        self.post("frigate", sample("frigate_mqtt_events"))
        r = self.post("frigate", sample("frigate_tracked_object_update_lpr"))
        self.assertEqual(r.json()["merged"], 1)
        [read] = self.stored()
        self.assertRead(read, plate="123ABC", confidence=0.95)
        self.assertEqual(read.candidates[0], {"plate": "123ABC", "confidence": 0.95})
        # The other candidates stay findable; the chosen plate is not a candidate.
        offered = set(
            ReadCandidate.objects.filter(read_id=read.id).values_list(
                "plate__plate", flat=True
            )
        )
        self.assertEqual(
            offered, {plates.normalize(str(c["plate"])) for c in read.candidates[1:]}
        )
        self.assertIn("ABC12345", offered)  # the first event's reading
        self.assertNotIn("123ABC", offered)

    def test_it_takes_a_codeproject_response(self) -> None:
        self.post("codeproject", sample("codeproject_ai_alpr_response"))
        first, second = self.stored()
        self.assertRead(
            first,
            plate="SGX7923G",
            plate_text="SGX 7923G",
            confidence=0.940095,
            captured_at=utc(2025, 2, 9, 3, 46, 58),
            state="",
        )
        self.assertRead(second, plate="HF7499", confidence=0.90813)

    def test_it_refuses_rather_than_truncates_an_oversized_message(self) -> None:
        body = sample("codeproject_ai_alpr_response")
        body["predictions"] = body["predictions"][:1] * 1001
        r = self.post("codeproject", body)
        self.assertEqual(r.status_code, 400)
        self.assertIn("1001 reads", r.json()["error"])
        self.assertEqual(PlateRead.objects.count(), 0)

    def test_it_refuses_an_unknown_format(self) -> None:
        self.assertEqual(self.post("flock", {}).status_code, 404)

    def test_it_needs_a_device_key(self) -> None:
        r = self.client.post(
            "/api/v1/ingest/openalpr", "{}", content_type="application/json"
        )
        self.assertEqual(r.status_code, 401)
