"""PostgreSQL: reads partitioned by month, a month purged as a partition drop
with its held reads kept, and the layout migration losing nothing
(docs/decisions/0001, 0019). On SQLite these have nothing to test."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from platekeeper.reads import blobs, partitions, relayout
from platekeeper.reads.models import PlateRead, ReadCandidate
from platekeeper.reads.partitions import Month
from platekeeper.retention import actions, ledger, purge
from platekeeper.retention.tests.test_purge import request
from platekeeper.test import JPEG_BYTES, BaseTestCase

DAY = timedelta(days=1)


def table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])


def reads_in(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table}")
        return {row[0] for row in cursor.fetchall()}


class MonthsTestCase(BaseTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("partitions are PostgreSQL's")
        super().setUp()
        ledger_dir = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, ledger_dir, True)
        self.enterContext(override_settings(PURGE_LEDGER_DIR=ledger_dir))
        # Carl keeps Hawthorne's records: approves holds
        self.carl = self.person("carl", self.hawthorne, "Custodian of Records")
        self.long_ago = timezone.now() - 400 * DAY
        self.month = Month.of(self.long_ago)

    def test_it_makes_this_month_and_the_next_ahead(self) -> None:
        have = partitions.months()
        now = Month.of(timezone.now())
        self.assertIn(now, have)
        self.assertIn(now.next, have)
        read = self.make_read("7ABC123", captured_at=timezone.now())
        self.assertIn(read.id, reads_in(now.table))

    def test_it_moves_reads_out_of_the_default_partition_into_their_new_month(
        self,
    ) -> None:
        read = self.make_read("7ABC123", captured_at=self.long_ago)
        self.assertIn(read.id, reads_in(partitions.OTHER))
        self.assertEqual(partitions.ensure(self.long_ago, self.long_ago), [self.month])
        self.assertIn(read.id, reads_in(self.month.table))
        self.assertNotIn(read.id, reads_in(partitions.OTHER))
        # The guard is back on the reads: a young read still cannot be deleted.
        young = self.make_read("6XYZ999", captured_at=timezone.now())
        purge.run()
        with self.assertRaises(DatabaseError), transaction.atomic():
            PlateRead.objects.filter(pk=young.pk).delete()

    @pytest.mark.requirement("R25")
    @pytest.mark.requirement("R26")
    def test_it_purges_an_expired_month_by_dropping_it_and_keeps_its_held_reads(
        self,
    ) -> None:
        partitions.ensure(self.long_ago, self.long_ago)
        image = blobs.put(JPEG_BYTES + b"month")
        expired = self.make_read(
            "7ABC123", captured_at=self.long_ago, plate_image=image
        )
        ReadCandidate.objects.create(
            read_id=expired.id, plate=expired.plate, captured_at=expired.captured_at
        )
        held = self.make_read("4HLD000", captured_at=self.month.start + DAY)
        hold = actions.place(self.dave, [held.id], request())
        actions.approve(hold, self.carl)
        young = self.make_read("6XYZ999", captured_at=timezone.now())

        done = purge.run()

        self.assertFalse(table_exists(self.month.table))
        self.assertFalse(PlateRead.objects.filter(pk=expired.pk).exists())
        self.assertFalse(ReadCandidate.objects.filter(read_id=expired.id).exists())
        self.assertIsNone(blobs.get(image))
        # The held read was moved aside into the default partition, unchanged.
        kept = PlateRead.objects.get(pk=held.pk)
        self.assertEqual(kept.captured_at, held.captured_at)
        self.assertIn(held.id, reads_in(partitions.OTHER))
        self.assertTrue(PlateRead.objects.filter(pk=young.pk).exists())
        self.assertEqual((done.reads, done.held_kept, done.images), (1, 1, 1))
        # A restore drops the month again from the ledger's line for it (R25),
        # keeping what the purge kept.
        [entry] = ledger.after(0)
        self.assertEqual(
            entry.months,
            [ledger.MonthGone(self.month.start, self.month.end, frozenset({held.id}))],
        )

    def test_it_deletes_again_a_dropped_month_restored_without_its_table(
        self,
    ) -> None:
        from platekeeper.retention import months
        from platekeeper.retention.models import Horizon, PurgeRun

        # Restored with the month's reads in the default partition, no month table.
        gone = self.make_read("7ABC123", captured_at=self.month.start + DAY)
        kept = self.make_read("4HLD000", captured_at=self.month.start + 2 * DAY)
        Horizon.objects.update_or_create(
            pk=1, defaults={"reads_before": self.month.end}
        )
        run = PurgeRun.objects.create(
            started_at=timezone.now(), policy_version=1, reads_cutoff=self.month.end
        )
        months.reapply(
            run,
            ledger.MonthGone(self.month.start, self.month.end, frozenset({kept.id})),
        )
        self.assertFalse(PlateRead.objects.filter(pk=gone.pk).exists())
        self.assertTrue(PlateRead.objects.filter(pk=kept.pk).exists())
        self.assertEqual(run.reads, 1)

    def test_it_never_drops_a_month_younger_than_the_cut_off(self) -> None:
        read = self.make_read("7ABC123", captured_at=timezone.now() - 300 * DAY)
        partitions.ensure(read.captured_at, read.captured_at)
        purge.run()
        self.assertTrue(table_exists(Month.of(read.captured_at).table))
        self.assertTrue(PlateRead.objects.filter(pk=read.pk).exists())


class LayoutTestCase(BaseTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("partitions are PostgreSQL's")
        super().setUp()

    def test_it_takes_reads_to_a_plain_table_and_back_without_losing_a_row(
        self,
    ) -> None:
        times = [timezone.now() - d * DAY for d in (0, 40, 90, 1500)]
        reads = [
            self.make_read(f"7ABC12{i}", captured_at=t) for i, t in enumerate(times)
        ]
        highest = max(r.id for r in reads)
        with transaction.atomic():
            PlateRead.objects.filter(pk=highest).update(state="NV")
        before = list(PlateRead.objects.order_by("id").values())

        relayout.to_plain()
        self.assertFalse(partitions.partitioned())
        self.assertEqual(list(PlateRead.objects.order_by("id").values()), before)

        relayout.to_partitioned()
        self.assertTrue(partitions.partitioned())
        self.assertEqual(list(PlateRead.objects.order_by("id").values()), before)
        # Each read is in its month; the one from four years ago in the default.
        self.assertIn(reads[1].id, reads_in(Month.of(times[1]).table))
        self.assertIn(reads[3].id, reads_in(partitions.OTHER))
        # Ids go on past every id given before: the ledger names reads by id.
        self.assertGreater(self.make_read("8NEW000").id, highest)
