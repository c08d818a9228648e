"""/health for the operator's monitor."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client, override_settings
from django.utils import timezone

from platekeeper.audit import triggers
from platekeeper.service.models import Job, JobRun
from platekeeper.test import BaseTestCase


class HealthTestCase(BaseTestCase):
    def ran(self, ago: timedelta) -> None:
        job = Job.objects.create(
            name="purge",
            command="purge",
            interval_seconds=60,
            next_run_at=timezone.now(),
        )
        JobRun.objects.create(
            job=job,
            scheduled_for=timezone.now() - ago,
            started_at=timezone.now() - ago,
            worker="w",
        )

    def test_it_is_ok_when_every_check_passes_and_names_no_data(self) -> None:
        self.ran(timedelta(seconds=30))
        answer = Client().get("/health")
        self.assertEqual(answer.status_code, 200, answer.json())
        self.assertEqual(
            set(answer.json()["checks"]), {"database", "audit_log", "scheduler", "disk"}
        )
        self.assertNotIn("7ABC123", answer.content.decode())

    def test_it_fails_when_the_scheduler_stopped_or_the_disk_is_full(self) -> None:
        self.assertEqual(
            Client().get("/health").json()["checks"]["scheduler"]["why"],
            "no job has run yet",
        )
        self.ran(timedelta(minutes=20))
        answer = Client().get("/health")
        self.assertEqual(answer.status_code, 503)
        self.assertFalse(answer.json()["checks"]["scheduler"]["ok"])
        with override_settings(MIN_FREE_DISK_MB=10**12):
            self.assertFalse(Client().get("/health").json()["checks"]["disk"]["ok"])

    def test_it_fails_when_the_audit_log_lost_its_triggers(self) -> None:
        self.ran(timedelta(seconds=30))
        triggers.drop()
        try:
            answer = Client().get("/health")
        finally:
            triggers.install()
        self.assertEqual(answer.status_code, 503)
        self.assertTrue(answer.json()["checks"]["audit_log"]["missing_triggers"])
