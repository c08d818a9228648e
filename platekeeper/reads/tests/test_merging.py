from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.utils import timezone

from platekeeper.reads.models import IngestReceipt, PlateRead
from platekeeper.test import JPEG_B64, BaseTestCase


def frame(
    n: int, plate: str, score: float, at: Any, image: bool = False
) -> dict[str, Any]:
    """One alpr_results message: the agent sends one per video frame."""
    result: dict[str, Any] = {
        "plate": plate,
        "confidence": score,
        "region": "us-ca",
        "region_confidence": 80,
        "plate_index": 0,
    }
    if image:
        result["plate_crop_jpeg"] = JPEG_B64
    return {
        "data_type": "alpr_results",
        "version": 2,
        "uuid": f"agent-cam1-{n}",
        "epoch_time": int(at.timestamp() * 1000),
        "results": [result],
    }


class PerFrameTestCase(BaseTestCase):
    def post(self, body: Any) -> Any:
        return self.client.post(
            "/api/v1/ingest/openalpr",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.camera_key}",
        )

    def test_it_makes_thirty_frames_of_one_vehicle_one_read(self) -> None:
        start = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
        texts = ["7ABC123", "7A8C123", "7ABC12", "7ABC123", "TABC123"]  # OCR wobble
        for n in range(30):
            score = 70 + n if n != 17 else 99.5  # the best frame is the 18th
            self.post(
                frame(
                    n,
                    texts[n % len(texts)] if n != 17 else "7ABC123",
                    score,
                    start + timedelta(milliseconds=100 * n),
                    image=n == 17,
                )
            )
        reads = list(PlateRead.objects.all())
        # "7ABC12" and "TABC123" are not the same misread key: each is its own read.
        keyed = [r for r in reads if r.plate.misread_key == "7A8C123"]
        self.assertEqual(len(keyed), 1)
        [read] = keyed
        self.assertEqual((read.plate.plate, read.confidence), ("7ABC123", 0.995))
        self.assertTrue(read.plate_image)
        self.assertEqual(read.captured_at, start)  # the vehicle's first sighting
        # frames 0, 1, 3 of every five, and the 17th: 19 of the 30
        self.assertEqual(IngestReceipt.objects.filter(read_id=read.id).count(), 19)

    def test_it_makes_thirty_identical_frames_one_read(self) -> None:
        start = timezone.now() - timedelta(minutes=1)
        for n in range(30):
            self.post(
                frame(n, "8XYZ999", 80 + n / 10, start + timedelta(milliseconds=80 * n))
            )
        self.assertEqual(PlateRead.objects.count(), 1)
        self.assertAlmostEqual(PlateRead.objects.get().confidence, 0.829)

    @override_settings(INGEST_DEDUP_SECONDS=10)
    def test_it_keeps_two_passes_apart_by_more_than_the_window(self) -> None:
        start = timezone.now() - timedelta(minutes=5)
        self.post(frame(1, "8XYZ999", 90, start))
        self.post(frame(2, "8XYZ999", 90, start + timedelta(seconds=11)))
        self.assertEqual(PlateRead.objects.count(), 2)

    def test_it_keeps_the_same_plate_on_two_cameras_apart(self) -> None:
        at = timezone.now() - timedelta(minutes=1)
        self.post(frame(1, "8XYZ999", 90, at))
        self.client.post(
            "/api/v1/ingest/openalpr",
            json.dumps(frame(1, "8XYZ999", 90, at)),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.inglewood_camera_key}",
        )
        self.assertEqual(PlateRead.objects.count(), 2)

    def test_it_changes_nothing_when_a_frame_is_resent(self) -> None:
        at = timezone.now() - timedelta(minutes=1)
        self.post(frame(1, "8XYZ999", 90, at))
        r = self.post(frame(1, "8XYZ999", 90, at))
        self.assertEqual(r.json()["duplicate"], 1)
        self.assertEqual(PlateRead.objects.get().confidence, 0.9)
