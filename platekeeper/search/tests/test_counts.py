"""PostgreSQL: a partial plate's count from the reads counted by plate, agency
and month (docs/decisions/0021), and never from counts a write made stale.
On SQLite there are no months to count."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from platekeeper.audit.record import Actor
from platekeeper.reads import monthcounts, partitions
from platekeeper.reads.models import CountedMonth, MonthCount, PlateRead
from platekeeper.reads.partitions import Month
from platekeeper.retention import purge
from platekeeper.search import counts, criteria, run
from platekeeper.test import BaseTestCase, LiveTestCase

DAY = timedelta(days=1)
PATTERN = "7AB?123"


class SQLiteTestCase(BaseTestCase):
    def test_it_has_no_months_to_count_on_sqlite(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("SQLite's answer")
        out = io.StringIO()
        call_command("count_months", stdout=out)
        self.assertIn("nothing to count", out.getvalue())
        self.make_read("7ABC123", captured_at=timezone.now() - 60 * DAY)
        self.assertEqual(monthcounts.count_months(timezone.now()), [])


class MonthCountsTestCase(BaseTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("months are PostgreSQL's")
        super().setUp()
        now = timezone.now()
        self.this_month = Month.of(now)
        self.last_month = Month.of(self.this_month.start - DAY)
        self.before_that = Month.of(self.last_month.start - DAY)
        partitions.ensure(self.before_that.start, now)
        mid = timedelta(days=10)
        # 7ABC123 and 7ABD123 match the pattern, 7XYZ123 does not; Inglewood's
        # read of 7ABC123 is not Dave's to count.
        for month, n in ((self.before_that, 3), (self.last_month, 2)):
            for _ in range(n):
                self.make_read("7ABC123", captured_at=month.start + mid)
            self.make_read("7ABD123", captured_at=month.start + mid)
            self.make_read("7XYZ123", captured_at=month.start + mid)
        self.make_read(
            "7ABC123",
            camera=self.inglewood_camera,
            captured_at=self.last_month.start + mid,
        )
        self.make_read("7ABC123", captured_at=now - timedelta(minutes=5))
        self.make_read("7ABD123", captured_at=now - timedelta(minutes=4))
        # Ended long enough ago: both months, not this one (when today is the
        # 1st, last month ended under two days ago and stays probed).
        self.settled = [
            m for m in (self.before_that, self.last_month) if m.end <= now - 2 * DAY
        ]

    def dave_sees(self) -> int:
        """What a count of the pattern's reads for Dave should say: probed."""
        return (
            PlateRead.objects.visible_to(self.dave)
            .filter(plate__plate__in=["7ABC123", "7ABD123"])
            .count()
        )

    def search(self, **data: Any) -> run.Search:
        form = {
            "plate": PATTERN,
            "match": "partial",
            "purpose": "criminal_investigation",
            "case_number": "HPD-26-0700",
            **data,
        }
        # A page of two, so the count is past the page, as on a busy system.
        return run.plate_search(self.dave, Actor.of_user(self.dave), form, size=2)

    def test_it_counts_ended_months_by_plate_and_agency(self) -> None:
        done = monthcounts.count_months(timezone.now())
        self.assertEqual(done, self.settled)
        if self.before_that in self.settled:
            day = self.before_that.start.date()
            self.assertEqual(CountedMonth.objects.get(month=day).reads, 5)
            per_plate = dict(
                MonthCount.objects.filter(
                    month=day, agency_id=self.hawthorne.pk
                ).values_list("plate_id", "reads")
            )
            self.assertEqual(sorted(per_plate.values()), [1, 1, 3])
        # Counted once: a second run has nothing to do, and a run that read
        # the marks before another counted the month leaves it as it is.
        self.assertEqual(monthcounts.count_months(timezone.now()), [])
        if self.settled:
            self.assertFalse(monthcounts._count(self.settled[0]))
            day = self.settled[0].start.date()
            self.assertEqual(CountedMonth.objects.filter(month=day).count(), 1)

    def test_it_counts_a_partial_plate_from_the_counted_months(self) -> None:
        monthcounts.count_months(timezone.now())
        with CaptureQueriesContext(connection) as queries_:
            found = self.search()
        self.assertEqual(found.status, 200)
        self.assertEqual(found.count, str(self.dave_sees()))
        self.assertEqual(found.count, "9")
        used = any("reads_monthcount" in q["sql"] for q in queries_.captured_queries)
        self.assertEqual(used, bool(self.settled))
        # The agencies Dave sees are read once, for the reads and the count.
        shares = [
            q for q in queries_.captured_queries if "sharing_standingshare" in q["sql"]
        ]
        self.assertEqual(len(shares), 1)

    def test_it_probes_a_month_written_into_after_it_was_counted(self) -> None:
        monthcounts.count_months(timezone.now())
        if self.before_that not in self.settled:
            self.skipTest("no month has settled yet")
        at = self.before_that.start + 12 * DAY
        self.make_read("7ABC123", captured_at=at)  # an import of an old read
        day = self.before_that.start.date()
        self.assertFalse(CountedMonth.objects.filter(month=day).exists())
        self.assertEqual(self.search().count, "10")
        # A correction moving a read to another plate unmarks its month too.
        monthcounts.count_months(timezone.now())
        moved = PlateRead.objects.filter(
            plate__plate="7ABD123", captured_at__lt=self.before_that.end
        )
        other = PlateRead.objects.get(plate__plate="7XYZ123", captured_at__lt=at)
        moved.update(plate=other.plate)
        self.assertFalse(CountedMonth.objects.filter(month=day).exists())
        self.assertEqual(self.search().count, "9")
        self.assertEqual(self.search().count, str(self.dave_sees()))

    def test_it_leaves_this_month_to_be_probed(self) -> None:
        monthcounts.count_months(timezone.now())
        self.assertFalse(
            CountedMonth.objects.filter(month=self.this_month.start.date()).exists()
        )
        self.make_read("7ABC123", captured_at=timezone.now() - timedelta(minutes=1))
        self.assertEqual(self.search().count, "10")

    def test_it_probes_a_month_the_search_covers_in_part(self) -> None:
        monthcounts.count_months(timezone.now())
        since = self.last_month.start + 5 * DAY  # after the month's start
        local = timezone.localtime(since).strftime("%Y-%m-%dT%H:%M")
        found = self.search(start=local)
        # Last month's three of Dave's reads and this month's two.
        self.assertEqual(found.count, "5")

    def test_it_forgets_the_counts_of_a_month_the_purge_drops(self) -> None:
        long_ago = timezone.now() - 400 * DAY
        old = Month.of(long_ago)
        partitions.ensure(long_ago, long_ago)
        self.make_read("7ABC123", captured_at=long_ago)
        monthcounts.count_months(timezone.now())
        self.assertTrue(CountedMonth.objects.filter(month=old.start.date()).exists())
        purge.run()
        self.assertNotIn(old, partitions.months())
        self.assertFalse(CountedMonth.objects.filter(month=old.start.date()).exists())
        # Its counts are dropped by the next count, once no table holds the month.
        monthcounts.count_months(timezone.now())
        self.assertFalse(MonthCount.objects.filter(month=old.start.date()).exists())
        self.assertEqual(self.search().count, "9")

    def test_it_takes_no_counts_for_criteria_they_do_not_know(self) -> None:
        hawthorne = [self.hawthorne.pk]  # the agencies Dave sees
        plates_ = [1, 2]
        rules = self.rules()
        data = {"plate": PATTERN, "match": "partial"}
        self.assertIsNotNone(
            counts.scope_of(hawthorne, data, plates_, None, rules, False)
        )
        for extra in (
            {"cameras": [str(self.camera.pk)]},
            {"state": "CA"},
            {"min_confidence": 0.0},
            {"area": {"center": (33.9, -118.3), "radius_m": 500}},
            {"after": "2026-01-01T00:00:00+00:00|5"},
            {"match": "exact"},
        ):
            with self.subTest(extra=extra):
                self.assertIsNone(
                    counts.scope_of(
                        hawthorne, {**data, **extra}, plates_, None, rules, False
                    )
                )
        # A subquery of plates (too many to list) is probed too.
        subquery = criteria.plate_ids(PATTERN, "partial")
        self.assertIsNone(
            counts.scope_of(hawthorne, data, subquery, None, rules, False)
        )

    def test_it_keeps_to_the_search_window(self) -> None:
        hawthorne = [self.hawthorne.pk]
        rules = self.rules()
        now = timezone.now()
        scope = counts.scope_of(
            hawthorne, {"plate": PATTERN, "match": "partial"}, [1], 30, rules, False
        )
        assert scope is not None and scope.since is not None
        self.assertGreaterEqual(scope.since, now - 30 * DAY)
        months = [Month(datetime(2026, m, 1, tzinfo=UTC)) for m in (1, 2, 3)]
        covered = counts.Scope([1], [self.hawthorne.pk], months[1].start, None)
        CountedMonth.objects.bulk_create(
            CountedMonth(month=m.start.date(), counted_at=now, reads=0) for m in months
        )
        self.assertEqual(covered.months(None)[:2], months[1:])

    def rules(self) -> Any:
        from platekeeper.policy.models import current_rules

        found = current_rules()
        assert found is not None
        return found[1]


class WritersAndTheCountTestCase(LiveTestCase):
    """The lock between a writer into an ended month and the count job, with
    real transactions on separate connections (reads.monthcounts)."""

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("months are PostgreSQL's")
        super().setUp()
        self.month = Month.of(timezone.now() - 45 * DAY)  # ended weeks ago
        self.mid = self.month.start + 10 * DAY
        partitions.ensure(self.month.start, self.month.start)
        self.make_read("7ABC123", captured_at=self.mid)

    def in_thread(self, work: Any) -> threading.Thread:
        def run_() -> None:
            try:
                work()
            finally:
                connection.close()  # each thread has its own connection

        thread = threading.Thread(target=run_, daemon=True)
        thread.start()
        return thread

    def marked(self) -> CountedMonth | None:
        return CountedMonth.objects.filter(month=self.month.start.date()).first()

    def test_it_counts_ended_months_from_the_command(self) -> None:
        out = io.StringIO()
        call_command("count_months", stdout=out)  # as the scheduler runs it
        self.assertIn(f"counted {self.month}", out.getvalue())
        mark = self.marked()
        assert mark is not None
        self.assertEqual(mark.reads, 1)

    def test_it_counts_a_month_only_after_its_writer_commits(self) -> None:
        wrote, commit = threading.Event(), threading.Event()

        def writer() -> None:
            with transaction.atomic():
                self.make_read("7ABC123", captured_at=self.mid + DAY)
                wrote.set()
                commit.wait(10)

        writing = self.in_thread(writer)
        self.assertTrue(wrote.wait(10))
        counting = self.in_thread(lambda: monthcounts.count_months(timezone.now()))
        counting.join(0.5)
        self.assertTrue(counting.is_alive())  # the job waits for the writer
        commit.set()
        writing.join(10)
        counting.join(10)
        mark = self.marked()
        assert mark is not None
        self.assertEqual(mark.reads, 2)  # the writer's read is counted

    def test_it_unmarks_a_month_a_writer_wrote_while_it_was_counted(self) -> None:
        counted, finish = threading.Event(), threading.Event()

        def job() -> None:
            with transaction.atomic():  # the count's lock held until this commits
                monthcounts.count_months(timezone.now())
                counted.set()
                finish.wait(10)

        counting = self.in_thread(job)
        self.assertTrue(counted.wait(10))
        # A live read (this month) does not wait for the job.
        live = self.in_thread(lambda: self.make_read("7ABD123"))
        live.join(5)
        self.assertFalse(live.is_alive())
        late = self.in_thread(
            lambda: self.make_read("7ABC123", captured_at=self.mid + DAY)
        )
        late.join(0.5)
        self.assertTrue(late.is_alive())  # the old read waits for the count
        finish.set()
        counting.join(10)
        late.join(10)
        self.assertIsNone(self.marked())  # and then unmarks the month
        self.assertEqual(monthcounts.count_months(timezone.now()), [self.month])
        mark = self.marked()
        assert mark is not None
        self.assertEqual(mark.reads, 2)
