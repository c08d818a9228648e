from __future__ import annotations

import os
import signal
import sys
import threading

import httpx
from django.db import connection
from django.test import SimpleTestCase

from platekeeper.service.bench import free_port
from platekeeper.service.management.commands.serve import children
from platekeeper.service.supervisor import Child, Supervisor
from platekeeper.test import LiveTestCase, wait_for

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


class ServeChildrenTestCase(LiveTestCase):
    def test_it_restarts_a_killed_child_of_serve(self) -> None:
        port = free_port()
        kids = children("127.0.0.1", port, demo=False)
        for kid in kids:  # point the children at the test database
            kid.env = {**os.environ, "DATABASE_URL": database_url()}
        supervisor = Supervisor(kids, poll_seconds=0.05)
        thread = threading.Thread(target=supervisor.run)
        thread.start()
        try:
            web, scheduler = kids
            self.assertTrue(wait_for(lambda: answers(port), 30))
            first_pid = scheduler.pid
            assert first_pid is not None
            os.kill(first_pid, signal.SIGKILL)
            self.assertTrue(
                wait_for(lambda: scheduler.alive() and scheduler.pid != first_pid)
            )
            self.assertTrue(answers(port))
            self.assertEqual(web.restarts, 0)
        finally:
            supervisor.stop()
            thread.join(30)
        self.assertFalse(any(k.alive() for k in kids))


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def answers(port: int) -> bool:
    try:
        return (
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
        )
    except httpx.TransportError:
        return False
