from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.reads import health
from platekeeper.reads.models import Camera
from platekeeper.test import BaseTestCase


class CamerasPageTestCase(BaseTestCase):
    def test_it_shows_each_cameras_health_to_the_administrator(self) -> None:
        now = timezone.now()
        Camera.objects.filter(pk=self.camera.pk).update(last_seen_at=now)
        self.make_read(captured_at=now - timedelta(minutes=5), confidence=0.95)
        self.make_read(captured_at=now - timedelta(minutes=4), confidence=0.5)
        r = self.login(self.alice).get("/cameras/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Hawthorne Blvd &amp; El Segundo NB")
        [row] = r.context["rows"]
        self.assertFalse(row.offline)
        self.assertAlmostEqual(row.reads_per_hour, 2 / 24)
        self.assertEqual(row.low_confidence_share, 0.5)

    def test_it_needs_login(self) -> None:
        self.assertEqual(self.client.get("/cameras/").status_code, 302)

    @pytest.mark.requirement("R12")
    def test_it_refuses_a_search_role_an_administrative_page_and_records_it(
        self,
    ) -> None:
        self.assertEqual(self.login(self.dave).get("/cameras/").status_code, 403)
        entry = AccessRecord.objects.filter(action=Action.PRIVILEGED_REFUSED).get()
        self.assertEqual(
            (entry.actor_username, entry.outcome, entry.criteria),
            ("dave", "denied", {"function": "cameras"}),
        )

    def test_it_shows_only_the_users_agencys_cameras(self) -> None:
        r = self.login(self.alice).get("/cameras/")
        self.assertNotContains(r, "Manchester &amp; Prairie")

    def test_it_shows_a_camera_silent_past_its_interval_as_offline(self) -> None:
        now = timezone.now()
        Camera.objects.filter(pk=self.camera.pk).update(
            last_seen_at=now - timedelta(minutes=61), offline_after_minutes=60
        )
        self.assertTrue(health.of(Camera.objects.get(pk=self.camera.pk), now).offline)
        Camera.objects.filter(pk=self.camera.pk).update(last_heartbeat_at=now)
        self.assertFalse(health.of(Camera.objects.get(pk=self.camera.pk), now).offline)

    def test_it_measures_clock_drift_from_capture_to_arrival(self) -> None:
        now = timezone.now()
        for late in (30, 40, 50):
            self.make_read(captured_at=now - timedelta(seconds=late))
        row = health.of(self.camera, now)
        self.assertAlmostEqual(row.clock_drift.total_seconds(), 40, delta=2)  # type: ignore[union-attr]
