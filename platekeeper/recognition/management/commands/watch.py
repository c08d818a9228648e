"""Read plates from a video file or a stream and send one read per vehicle pass.

    platekeeper watch rtsp://cam/stream --camera "Unit 12" --server https://alpr.example \
        --operator olivia

The device key comes from PLATEKEEPER_DEVICE_KEY, the operator's password
from PLATEKEEPER_OPERATOR_PASSWORD or a prompt, the one-time code from --code
or a prompt. Reads and access records wait in --folder until the server has
them.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from platekeeper.recognition import edge, pipeline, video, weights
from platekeeper.recognition.car import Car, capture_time


class Command(BaseCommand):
    help = "Read plates from a video file or stream; one read per vehicle pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", help="video file, or rtsp:// or http(s):// stream"
        )
        parser.add_argument("--camera", required=True, help="this camera's name")
        parser.add_argument("--server", default="http://127.0.0.1:8000")
        parser.add_argument("--operator", required=True, help="the signed-in officer")
        parser.add_argument("--code", default="", help="one-time code, if enrolled")
        parser.add_argument("--folder", type=Path, help="spool and hot-list copy")
        parser.add_argument(
            "--every", type=float, default=0.25, help="seconds between frames"
        )
        parser.add_argument(
            "--gap", type=float, default=1.5, help="seconds unseen that end a pass"
        )
        parser.add_argument(
            "--recorded-at",
            type=datetime.fromisoformat,
            help="a recorded file's start time (ISO 8601 with zone); default: now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = os.environ.get("PLATEKEEPER_DEVICE_KEY", "")
        if not key:
            raise CommandError("set PLATEKEEPER_DEVICE_KEY to this camera's device key")
        folder = options["folder"] or Path.home() / ".platekeeper" / options["camera"]
        car = Car(edge.Link(options["server"], key), folder, key, say=self.say)
        password = os.environ.get("PLATEKEEPER_OPERATOR_PASSWORD") or getpass.getpass(
            f"Password for {options['operator']}: "
        )
        try:
            car.sign_in(options["operator"], password, options["code"])
        except edge.Refused as exc:
            raise CommandError(f"sign-in refused: {exc}") from exc
        except edge.Unreachable as exc:
            raise CommandError(
                f"the server cannot be reached to sign in ({exc}); an operator "
                "must sign in once per shift with the server reachable"
            ) from exc
        try:
            run(
                car,
                options["source"],
                options["every"],
                options["gap"],
                options["recorded_at"],
            )
        except (OSError, weights.ModelError) as exc:
            raise CommandError(str(exc)) from exc
        reads, accesses = car.waiting()
        self.say(
            f"done; waiting for the server: {reads} reads, {accesses} access records"
        )

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()


def run(
    car: Car, source: str, every: float, gap: float, recorded_at: datetime | None = None
) -> int:
    """Watch `source` to its end (a stream: until stopped); passes sent. A
    pass's capture time is the start (now, or when a file was recorded) plus
    its best frame's offset."""
    if recorded_at is not None and timezone.is_naive(recorded_at):
        raise CommandError(
            "--recorded-at needs a time zone (e.g. 2026-12-01T09:00-08:00)"
        )
    if recorded_at is not None and video.is_stream(source):
        raise CommandError("--recorded-at is for recorded files, not live streams")
    tracker = video.Tracker(gap)
    started = recorded_at or timezone.now()
    passes = 0
    for at, frame in video.frames(source, every):
        for track in tracker.see(at, frame, pipeline.recognize(frame)):
            car.passed(track, capture_time(started, track.best_at))
            passes += 1
        car.tick()
    for track in tracker.close():
        car.passed(track, capture_time(started, track.best_at))
        passes += 1
    car.tick(force=True)
    return passes
