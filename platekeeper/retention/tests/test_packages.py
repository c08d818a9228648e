"""Evidence packages and their verification (R26); the retention review (R28)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from platekeeper.audit.models import Action
from platekeeper.reads import blobs
from platekeeper.retention import actions, packages, review
from platekeeper.retention.models import RetentionReview
from platekeeper.retention.tests.test_purge import request
from platekeeper.test import JPEG_BYTES, BaseTestCase


def changed_one_byte(data: bytes, name: str) -> bytes:
    """The same ZIP with one byte of one member changed (its manifest untouched)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == name:
                body = body[:-1] + bytes([body[-1] ^ 1])
            dst.writestr(info, body)
    return out.getvalue()


class PackageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.image = blobs.put(JPEG_BYTES + b"plate")
        self.read = self.make_read("7ABC123", plate_image=self.image)
        self.login(self.dave).post(
            "/search/",
            {
                "plate": "7ABC123",
                "purpose": "criminal_investigation",
                "case_number": "HPD-26-0612",
            },
        )
        self.hold = actions.place(self.dave, [self.read.id], request())

    @pytest.mark.requirement("R26")
    def test_it_makes_a_package_that_verifies_and_fails_after_one_byte_changes(
        self,
    ) -> None:
        data, record = packages.make(self.hold, self.dave)
        self.assertEqual(packages.verify(io.BytesIO(data)), [])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            manifest = json.loads(archive.read("manifest.json"))
            rows = json.loads(archive.read("reads.json"))
            searches = json.loads(archive.read("access_records.json"))
        image = f"images/{self.image}.jpg"
        self.assertLessEqual(
            {"reads.csv", "reads.json", "chain_of_custody.pdf", image}, names
        )
        self.assertEqual(manifest["evidence_item"], "E-0042")
        self.assertEqual([r["plate"] for r in rows], ["7ABC123"])
        self.assertIn(Action.SEARCH, [s["action"] for s in searches])
        tampered = changed_one_byte(data, image)
        self.assertEqual(packages.verify(io.BytesIO(tampered)), [f"changed: {image}"])
        # The access record names the package by its digest, and the reads.
        self.assertEqual(record.action, Action.EVIDENCE_PACKAGE)
        self.assertEqual(record.result_ids, [self.read.id])
        self.assertEqual(record.case_number, "HPD-26-0612")

    def test_it_checks_a_package_from_the_command_line(self) -> None:
        data, _ = packages.make(self.hold, self.dave)
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "package.zip"
        path.write_bytes(data)
        out = io.StringIO()
        call_command("verify_package", str(path), stdout=out)
        self.assertIn("every file matches", out.getvalue())
        path.write_bytes(changed_one_byte(data, "reads.csv"))
        with self.assertRaisesMessage(CommandError, "changed: reads.csv"):
            call_command("verify_package", str(path))
        path.write_bytes(data[: len(data) // 2])  # half-written
        with self.assertRaisesMessage(CommandError, "not a readable ZIP"):
            call_command("verify_package", str(path))

    def test_it_escalates_a_hold_past_its_review_date_once(self) -> None:
        self.carl = self.person("carl", self.hawthorne, "Custodian of Records")
        self.carl.email = "records@hawthorne.example"
        self.carl.save()
        from django.core import mail

        actions.place(
            self.dave,
            [self.read.id],
            request(review_on=timezone.localdate() + timedelta(days=10)),
        )
        with time_machine.travel(timezone.now() + timedelta(days=12)):
            call_command("retention_tasks", stdout=io.StringIO())
            call_command("retention_tasks", stdout=io.StringIO())
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("review date", mail.outbox[0].subject)
        [record] = self.access_records(action=Action.HOLD_ESCALATED)
        self.assertIn("carl", record.criteria["to"])

    @pytest.mark.requirement("R28")
    def test_it_shows_the_age_of_what_was_searched_and_reminds_every_two_years(
        self,
    ) -> None:
        old = self.make_read(
            "7ABC123", captured_at=timezone.now() - timedelta(days=100)
        )
        self.login(self.dave).post(
            "/search/",
            {
                "plate": "7ABC123",
                "purpose": "criminal_investigation",
                "case_number": "2",
            },
        )
        ages = review.searched_ages(self.dave, timezone.now() - timedelta(days=1))
        self.assertEqual(ages.counts["up to 1 day"], 2)  # the read, in two searches
        self.assertEqual(ages.counts["up to 6 months"], 1)
        self.assertEqual(ages.reads, 3)
        self.assertIsNotNone(old)
        self.assertIsNone(review.open_when_due(self.hawthorne, timezone.localdate()))
        two_years = timezone.localdate() + timedelta(days=731)
        task = review.open_when_due(self.hawthorne, two_years)
        assert task is not None
        self.assertIsNone(review.open_when_due(self.hawthorne, two_years))
        review.complete(
            task, self.dave, "Searches rarely reach past 90 days; keep 1 year"
        )
        self.assertEqual(
            review.next_due(self.hawthorne), timezone.localdate() + timedelta(days=730)
        )
        self.assertEqual(RetentionReview.objects.filter(reviewed_at=None).count(), 0)
