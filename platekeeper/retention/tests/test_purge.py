"""The purge by the Policy's retention, with the clock moved (R19, R24–R26, R29)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor
from platekeeper.hotlists.models import Alert
from platekeeper.policy.actions import publish_profile
from platekeeper.policy.profiles import rules_for
from platekeeper.reads import blobs
from platekeeper.reads.models import PlateRead, ReadCandidate
from platekeeper.retention import actions, purge
from platekeeper.retention.actions import HoldRequest
from platekeeper.retention.models import PurgeRun
from platekeeper.service import scheduler
from platekeeper.test import JPEG_BYTES, BaseTestCase

DAY = timedelta(days=1)


def request(review_on: date | None = None) -> HoldRequest:
    return HoldRequest(
        case_number="HPD-26-0612",
        evidence_item="E-0042",
        requester="DDA Rivera, LA County District Attorney",
        reason="Suspect vehicle in the Rosecrans shooting; discovery expected",
        review_on=review_on or timezone.localdate() + timedelta(days=400),
    )


class PurgeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Carl keeps Hawthorne's records: approves and releases holds
        self.carl = self.person("carl", self.hawthorne, "Custodian of Records")
        self.image = blobs.put(JPEG_BYTES + b"read-image")
        self.read = self.make_read(
            "7ABC123", captured_at=timezone.now(), plate_image=self.image
        )

    def gone(self, read: PlateRead) -> bool:
        return not PlateRead.objects.filter(pk=read.pk).exists()

    def delete_as_administrator(self, read: PlateRead) -> None:
        with transaction.atomic():
            PlateRead.objects.filter(pk=read.pk).delete()

    @pytest.mark.requirement("R24")
    def test_it_keeps_a_read_for_a_year_and_no_one_can_delete_it_sooner(self) -> None:
        with time_machine.travel(timezone.now() + 364 * DAY):
            purge.run()
            self.assertFalse(self.gone(self.read))
            with self.assertRaises(DatabaseError):
                self.delete_as_administrator(self.read)
        self.assertFalse(self.gone(self.read))

    @pytest.mark.requirement("R24")
    @pytest.mark.requirement("R25")
    def test_it_purges_a_read_at_day_366_with_its_image_and_records_the_run(
        self,
    ) -> None:
        ReadCandidate.objects.create(
            read_id=self.read.id,
            plate=self.read.plate,
            captured_at=self.read.captured_at,
        )
        kept = self.make_read("6XYZ999", captured_at=timezone.now() + 300 * DAY)
        with time_machine.travel(timezone.now() + 366 * DAY):
            done = purge.run()
        self.assertTrue(self.gone(self.read))
        self.assertFalse(self.gone(kept))
        self.assertIsNone(blobs.get(self.image))
        self.assertFalse(ReadCandidate.objects.filter(read_id=self.read.id).exists())
        self.assertEqual((done.reads, done.images), (1, 1))
        [record] = self.access_records(action=Action.PURGE)
        self.assertEqual(record.result_count, 1)
        self.assertEqual(record.criteria["run"], done.pk)
        self.assertEqual(record.criteria["oldest"], self.read.captured_at.isoformat())
        # Searching for it now finds nothing (R25).
        response = self.login(self.dave).post(
            "/search/",
            {
                "plate": "7ABC123",
                "purpose": "criminal_investigation",
                "case_number": "1",
            },
        )
        self.assertEqual(list(response.context["reads"]), [])

    @pytest.mark.requirement("R19")
    def test_it_never_removes_an_access_record(self) -> None:
        self.login(self.dave).get(f"/reads/{self.read.id}/")
        before = set(AccessRecord.objects.values_list("code", flat=True))
        self.assertTrue(before)
        with time_machine.travel(timezone.now() + 366 * DAY):
            purge.run()
        self.assertTrue(self.gone(self.read))
        after = set(AccessRecord.objects.values_list("code", flat=True))
        self.assertLessEqual(before, after)
        call_command("verify_audit", stdout=open("/dev/null", "w"))

    @pytest.mark.requirement("R26")
    def test_it_keeps_a_held_read_until_the_hold_is_released(self) -> None:
        hold = actions.place(self.dave, [self.read.id], request())
        actions.approve(hold, self.carl)
        with time_machine.travel(timezone.now() + 366 * DAY):
            done = purge.run()
            self.assertFalse(self.gone(self.read))
            self.assertEqual(done.held_kept, 1)
            self.assertIsNotNone(blobs.get(self.image))
            actions.release(hold, self.carl, "Case closed: plea entered")
            purge.run()
        self.assertTrue(self.gone(self.read))
        self.assertEqual(
            [r.action for r in self.access_records(action__startswith="hold_")],
            [Action.HOLD_PLACED, Action.HOLD_APPROVED, Action.HOLD_RELEASED],
        )

    @pytest.mark.requirement("R26")
    def test_it_refuses_a_hold_on_another_agencys_reads_and_self_approval(self) -> None:
        theirs = self.make_read("5DEF456", camera=self.inglewood_camera)
        with self.assertRaises(actions.Refused):
            actions.place(self.dave, [theirs.id], request())
        hold = actions.place(self.carl, [self.read.id], request())
        with self.assertRaises(actions.Refused):
            actions.approve(hold, self.carl)

    def test_it_keeps_a_read_an_open_alert_needs(self) -> None:
        self.make_alert(self.read, status=Alert.Status.NEW)
        with time_machine.travel(timezone.now() + 800 * DAY):
            done = purge.run()
        self.assertFalse(self.gone(self.read))
        self.assertEqual(done.held_kept, 1)

    def test_it_keeps_an_image_another_read_still_shows(self) -> None:
        later = self.make_read(
            "8JKL000", captured_at=timezone.now() + 30 * DAY, overview_image=self.image
        )
        with time_machine.travel(timezone.now() + 366 * DAY):
            done = purge.run()
        self.assertTrue(self.gone(self.read))
        self.assertEqual(done.images, 0)
        self.assertEqual(blobs.get(later.overview_image), JPEG_BYTES + b"read-image")

    def test_it_records_a_run_that_stopped_and_why(self) -> None:
        from unittest import mock

        with time_machine.travel(timezone.now() + 366 * DAY):
            with mock.patch.object(
                purge.blobs, "delete", side_effect=OSError(5, "Input/output error")
            ):
                with self.assertRaises(OSError):
                    purge.run()
        [run] = PurgeRun.objects.all()
        self.assertIn("Input/output error", run.error)
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(run.reads, 1)  # the read went; its image is for the next run
        [record] = self.access_records(action=Action.PURGE)
        self.assertEqual(record.outcome, "denied")
        self.assertIsNotNone(blobs.get(self.image))
        with time_machine.travel(timezone.now() + 366 * DAY):
            again = purge.run()
        self.assertEqual(again.images, 1)
        self.assertIsNone(blobs.get(self.image))

    def test_it_changes_nothing_on_a_dry_run(self) -> None:
        with time_machine.travel(timezone.now() + 366 * DAY):
            done = purge.run(dry_run=True)
        self.assertEqual(done.reads, 1)
        self.assertFalse(self.gone(self.read))
        self.assertFalse(PurgeRun.objects.exists())

    def test_it_warns_while_the_policy_names_no_destruction_authority(self) -> None:
        from io import StringIO

        err = StringIO()
        call_command("purge", stdout=StringIO(), stderr=err)
        self.assertIn("no destruction authority", err.getvalue())

    @pytest.mark.requirement("R29")
    def test_it_purges_an_unmatched_read_within_minutes_under_new_hampshire_rules(
        self,
    ) -> None:
        publish_profile(
            rules_for("new_hampshire"), actor=Actor.system("tests"), note="NH"
        )
        matched = self.make_read("5NHX111", captured_at=timezone.now())
        self.make_alert(matched, status=Alert.Status.CLOSED)
        scheduler.register()
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for minute in range(1, 6):
                clock.move_to(start + timedelta(minutes=minute, seconds=1))
                scheduler.tick()
                if minute == 2:
                    self.assertFalse(self.gone(self.read))
        self.assertTrue(self.gone(self.read))
        self.assertFalse(self.gone(matched))
        self.assertGreaterEqual(PurgeRun.objects.count(), 3)
