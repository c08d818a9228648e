from __future__ import annotations

import os
import signal
import sys
import threading
import time

from django.test import SimpleTestCase

from platekeeper.service.management.commands.serve import children
from platekeeper.service.supervisor import Child, Supervisor


def wait_for(predicate, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


class SupervisorTestCase(SimpleTestCase):
    def start(self, kids: list[Child]) -> tuple[Supervisor, threading.Thread]:
        supervisor = Supervisor(kids, poll_seconds=0.05)
        thread = threading.Thread(target=supervisor.run)
        thread.start()
        self.addCleanup(thread.join, 15)
        self.addCleanup(supervisor.stop)
        self.assertTrue(wait_for(lambda: all(k.alive() for k in kids)))
        return supervisor, thread

    def test_it_restarts_a_killed_child(self) -> None:
        web, worker = Child("web", SLEEPER), Child("worker", SLEEPER)
        self.start([web, worker])
        first_pid = worker.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)
        self.assertTrue(wait_for(lambda: worker.alive() and worker.pid != first_pid))
        self.assertEqual(worker.restarts, 1)
        self.assertEqual(web.restarts, 0)

    def test_it_stops_every_child_when_stopped(self) -> None:
        kids = [Child("a", SLEEPER), Child("b", SLEEPER)]
        supervisor, thread = self.start(kids)
        supervisor.stop()
        thread.join(15)
        self.assertFalse(any(k.alive() for k in kids))

    def test_it_runs_the_web_app_and_the_scheduler(self) -> None:
        kids = children("127.0.0.1", 8000, demo=False)
        self.assertEqual([k.name for k in kids], ["web", "scheduler"])
        self.assertIn("uvicorn", kids[0].argv)
        demo = children("127.0.0.1", 8000, demo=True)
        self.assertEqual(demo[-1].name, "demo feed")
