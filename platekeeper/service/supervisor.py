"""A small supervisor for the processes production runs.

Restarts a child that dies (after a short, growing pause so a child that
cannot start does not spin), and on SIGTERM/SIGINT stops every child, waiting
briefly before killing.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    next_start_at: float = 0.0
    env: dict[str, str] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env)
        self.started_at = time.monotonic()
        logger.info("started %s (pid %s)", self.name, self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    MAX_PAUSE = 30.0

    def __init__(self, children: list[Child], poll_seconds: float = 0.5) -> None:
        self.children = children
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        for child in self.children:
            child.start()
        while not self.stopping.wait(self.poll_seconds):
            for child in self.children:
                self._look_after(child)
        self._stop_all()

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def _look_after(self, child: Child) -> None:
        if child.alive():
            return
        now = time.monotonic()
        if child.next_start_at == 0.0:
            code = child.process.returncode if child.process else None
            # A child that ran a while before dying gets restarted at once.
            ran_for = now - child.started_at
            pause = (
                0.0 if ran_for > 60 else min(self.MAX_PAUSE, 2.0**child.restarts / 4)
            )
            logger.warning(
                "%s exited with %s; restarting in %.1fs", child.name, code, pause
            )
            child.next_start_at = now + pause
        if now >= child.next_start_at:
            child.restarts += 1
            child.next_start_at = 0.0
            child.start()

    def _stop_all(self, grace: float = 10.0) -> None:
        for child in self.children:
            if child.alive():
                assert child.process is not None
                child.process.terminate()
        deadline = time.monotonic() + grace
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time; killing it", child.name)
                child.process.kill()
                child.process.wait()
