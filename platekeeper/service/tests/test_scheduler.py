from __future__ import annotations

import threading
from datetime import timedelta

import time_machine
from django.utils import timezone

from platekeeper.service import scheduler
from platekeeper.service.models import Job, JobRun
from platekeeper.service.scheduler import JobSpec
from platekeeper.test import BaseTestCase, LiveTestCase

DAILY = [JobSpec("verify audit log", "verify_audit", scheduler.DAY)]


class SchedulerTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        scheduler.register(DAILY)

    def runs(self) -> int:
        return JobRun.objects.filter(job__name="verify audit log").count()

    def test_it_does_not_run_a_new_daily_job_at_once(self) -> None:
        self.assertEqual(scheduler.tick(), 0)

    def test_it_runs_the_job_once_per_day_across_two_schedulers(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(2 * 24 * 4):  # two days, looking every 15 minutes
                clock.shift(timedelta(minutes=15))
                scheduler.tick()  # the first scheduler
                scheduler.tick()  # the second one, right behind it
        self.assertEqual(self.runs(), 2)
        self.assertEqual(set(JobRun.objects.values_list("status", flat=True)), {"ok"})

    def test_it_catches_up_once_after_being_down(self) -> None:
        with time_machine.travel(
            timezone.now() + timedelta(days=5, hours=1), tick=False
        ):
            self.assertEqual(scheduler.tick(), 1)
            self.assertEqual(scheduler.tick(), 0)
            job = Job.objects.get()
            self.assertGreater(job.next_run_at, timezone.now())
            self.assertLessEqual(job.next_run_at, timezone.now() + timedelta(days=1))

    def test_it_refuses_a_run_someone_else_claimed(self) -> None:
        job = Job.objects.get()
        with time_machine.travel(job.next_run_at + timedelta(seconds=1), tick=False):
            stale = Job.objects.get()
            self.assertIsNotNone(scheduler.claim(Job.objects.get()))
            self.assertIsNone(scheduler.claim(stale))

    def test_it_records_a_failing_job_and_goes_on(self) -> None:
        scheduler.register([JobSpec("broken", "no_such_command", 60)])
        with time_machine.travel(
            timezone.now() + timedelta(days=1, seconds=1), tick=False
        ):
            self.assertEqual(scheduler.tick(), 2)
        broken = JobRun.objects.get(job__name="broken")
        self.assertEqual(broken.status, "failed")
        self.assertIn("no_such_command", broken.output)
        self.assertEqual(self.runs(), 1)

    def test_it_keeps_a_jobs_schedule_when_registered_again(self) -> None:
        before = Job.objects.get().next_run_at
        with time_machine.travel(timezone.now() + timedelta(hours=3)):
            scheduler.register(DAILY)
        self.assertEqual(Job.objects.get().next_run_at, before)


class ConcurrentSchedulersTestCase(LiveTestCase):
    def test_it_runs_a_due_job_once_when_two_threads_race(self) -> None:
        scheduler.register(DAILY)
        Job.objects.update(next_run_at=timezone.now() - timedelta(seconds=1))
        barrier = threading.Barrier(2)
        counts: list[int] = []

        def race() -> None:
            from django.db import connection

            barrier.wait()
            counts.append(scheduler.tick())
            connection.close()

        threads = [threading.Thread(target=race) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(counts), [0, 1])
        self.assertEqual(JobRun.objects.count(), 1)
