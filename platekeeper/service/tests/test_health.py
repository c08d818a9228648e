"""/health for the operator's monitor."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from platekeeper.audit import triggers
from platekeeper.reads import partitions
from platekeeper.reads.mqtt import STATE_FILE
from platekeeper.reads.partitions import Month
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
            set(answer.json()["checks"]),
            {"database", "audit_log", "scheduler", "disk", "mqtt", "partitions"},
        )
        self.assertNotIn("7ABC123", answer.content.decode())

    def test_it_fails_when_the_scheduler_stopped_or_the_disk_is_full(self) -> None:
        self.assertEqual(
            Client().get("/health").json()["checks"]["scheduler"]["why"],
            "no job has run yet",
        )
        # Just started: nothing due yet is not a stop.
        job = Job.objects.create(
            name="sharing",
            command="sharing_tasks",
            interval_seconds=300,
            next_run_at=timezone.now() + timedelta(minutes=1),
        )
        self.assertTrue(Client().get("/health").json()["checks"]["scheduler"]["ok"])
        Job.objects.filter(pk=job.pk).update(
            next_run_at=timezone.now() - timedelta(minutes=9)
        )
        self.assertFalse(Client().get("/health").json()["checks"]["scheduler"]["ok"])
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

    def test_it_fails_when_next_months_partition_is_missing(self) -> None:
        self.ran(timedelta(seconds=30))
        if connection.vendor != "postgresql":
            check = Client().get("/health").json()["checks"]["partitions"]
            self.assertEqual(check, {"ok": True, "partitioned": False})
            return
        following = Month.of(timezone.now()).next
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {following.table}")
        answer = Client().get("/health")
        self.assertEqual(answer.status_code, 503)
        self.assertFalse(answer.json()["checks"]["partitions"]["ok"])
        partitions.ensure_ahead(timezone.now())  # what the daily job does
        self.assertEqual(Client().get("/health").status_code, 200)


class MqttHealthTestCase(BaseTestCase):
    def mqtt(self) -> dict[str, object]:
        with override_settings(MQTT_URL="mqtt://127.0.0.1:1883"):
            check: dict[str, object] = Client().get("/health").json()["checks"]["mqtt"]
            return check

    def note(self, state: str, pid: int) -> None:
        path = Path(settings.DATA_DIR) / STATE_FILE
        path.write_text(
            json.dumps({"state": state, "pid": pid, "at": "2026-12-01T10:00:00"})
        )
        self.addCleanup(path.unlink, True)

    def test_it_checks_the_listener_only_when_frigate_is_configured(self) -> None:
        self.assertEqual(
            Client().get("/health").json()["checks"]["mqtt"]["configured"], False
        )
        (Path(settings.DATA_DIR) / STATE_FILE).unlink(missing_ok=True)
        self.assertEqual(self.mqtt()["why"], "the MQTT listener has not reported")
        self.note("subscribed", os.getpid())
        self.assertTrue(self.mqtt()["ok"])
        self.note("disconnected", os.getpid())
        self.assertFalse(self.mqtt()["ok"])
        self.note("subscribed", 2**22 + 12345)  # no such process: it died
        self.assertEqual(self.mqtt()["state"], "not running")
