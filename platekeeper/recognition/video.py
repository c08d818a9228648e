"""Frames from a video file or a stream, and plates followed across them so
that a car passing the camera gives one read (from its best frame), not one
per frame."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from platekeeper.lib.plates import misread_key
from platekeeper.recognition.pipeline import Plate

logger = logging.getLogger(__name__)


def is_stream(source: str) -> bool:
    return source.split("://", 1)[0].lower() in {
        "rtsp",
        "rtsps",
        "http",
        "https",
        "rtmp",
    }


def frames(
    source: str, every: float, retry: float = 2.0, max_retry: float = 60.0
) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds into the source, BGR frame), one per `every` seconds. A stream
    that drops is opened again, waiting longer each time up to `max_retry`;
    a file ends at its end."""
    stream = is_stream(source)
    wait = retry
    started = time.monotonic()
    while True:
        capture = cv2.VideoCapture(source)
        if not capture.isOpened():
            if not stream:
                raise OSError(f"cannot open {source}")
            logger.warning("cannot open %s; trying again in %.0f s", source, wait)
            time.sleep(wait)
            wait = min(wait * 2, max_retry)
            continue
        wait = retry
        fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
        step = max(1, round(fps * every))
        index = 0
        while True:
            ok = capture.grab()
            if not ok:
                break
            if index % step == 0:
                ok, frame = capture.retrieve()
                if ok:
                    at = time.monotonic() - started if stream else index / fps
                    yield at, frame
            index += 1
        capture.release()
        if not stream:
            return
        logger.warning("%s dropped; reconnecting", source)


def same_plate(a: str, b: str) -> bool:
    """Two readings of one plate in neighbouring frames: equal up to OCR
    confusions, or one character apart."""
    if misread_key(a) == misread_key(b):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass
class Track:
    best: Plate
    best_at: float
    best_frame: np.ndarray
    last_at: float
    frames: int = 1
    texts: dict[str, int] = field(default_factory=dict)


class Tracker:
    """Open tracks, closed when their plate is unseen for `gap` seconds."""

    def __init__(self, gap: float = 2.0) -> None:
        self.gap = gap
        self.open: list[Track] = []

    def see(self, at: float, frame: np.ndarray, plates: list[Plate]) -> list[Track]:
        for plate in plates:
            track = next(
                (t for t in self.open if same_plate(t.best.text, plate.text)), None
            )
            if track is None:
                self.open.append(Track(plate, at, frame, at, texts={plate.text: 1}))
                continue
            track.frames += 1
            track.last_at = at
            track.texts[plate.text] = track.texts.get(plate.text, 0) + 1
            if plate.quality > track.best.quality:
                track.best, track.best_at, track.best_frame = plate, at, frame
        return self.close(at)

    def close(self, now: float | None = None) -> list[Track]:
        """Tracks over (all of them when `now` is None: the source ended)."""
        done = [t for t in self.open if now is None or now - t.last_at > self.gap]
        self.open = [t for t in self.open if t not in done]
        return done
