"""A recognizer in a patrol car or on a plain camera: what `watch` does with
each vehicle pass, and how it keeps the server up to date when it can."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from platekeeper.recognition import edge
from platekeeper.recognition.pipeline import Plate
from platekeeper.recognition.video import Track

logger = logging.getLogger(__name__)


class Car:
    def __init__(
        self,
        link: edge.Link,
        folder: Path,
        device_key: str,
        say: Callable[[str], None] = print,
        refresh_every: float = 300.0,
        deliver_every: float = 5.0,
    ) -> None:
        self.link = link
        self.spool = edge.Spool(folder / "spool")
        self.hot_list = edge.LocalHotList(folder / "hotlist.bin", device_key)
        self.hot_list.load()
        self.say = say
        self.refresh_every = refresh_every
        self.deliver_every = deliver_every
        self.online = False
        self._refreshed = self._delivered = float("-inf")

    def sign_in(self, username: str, password: str, code: str = "") -> None:
        """Raises edge.Refused (not allowed) or edge.Unreachable."""
        self.link.sign_in(username, password, code)
        self.refresh()

    def refresh(self) -> None:
        """The hot lists from the server; the local copy when it cannot be reached."""
        self._refreshed = time.monotonic()
        try:
            data = self.link.hot_list()
        except edge.Unreachable as exc:
            self._offline(exc)
            return
        except edge.Refused as exc:
            # The shift's sign-in ran out, or the officer lost the right: the
            # car keeps alerting from the copy it has and says so.
            self.say(f"hot lists not refreshed ({exc}); the officer must sign in again")
            return
        self.hot_list.save(data["entries"], data["generated_at"])
        self.online = True

    def passed(self, track: Track, captured_at: datetime) -> str:
        """One vehicle pass: spool its read; alert on the local hot list."""
        plate = track.best
        event_id = uuid.uuid4().hex
        payload = edge.read_payload(event_id, plate, captured_at, _jpeg(plate))
        self.spool.put("reads", event_id, payload)
        for hit in self.hot_list.match(plate.text):
            self.alert(plate, hit, event_id)
        return event_id

    def alert(self, plate: Plate, hit: edge.Hit, read_event_id: str) -> None:
        entry = hit.entry
        how = "" if hit.how == "exact" else f" ({hit.how} match: verify the plate)"
        # The access record is on disk before the alert is shown (R13: every
        # access recorded before data is shown, in the car too).
        access_id = uuid.uuid4().hex
        self.spool.put(
            "accesses",
            access_id,
            {
                "event_id": access_id,
                "viewed_at": timezone.now().isoformat(),
                "plate": plate.text,
                "entry_id": entry["entry_id"],
                "read_event_id": read_event_id,
            },
        )
        self.say(
            f"ALERT {plate.text}{how}: {entry['list']} · {entry['category']}"
            f"{' · ' + entry['vehicle'] if entry.get('vehicle') else ''}"
            f" · hot list as of {self.hot_list.refreshed_at or 'never'}"
        )

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._refreshed >= self.refresh_every:
            self.refresh()
        if force or now - self._delivered >= self.deliver_every:
            self.deliver()

    def deliver(self) -> tuple[int, int]:
        self._delivered = time.monotonic()
        try:
            done = edge.deliver(self.link, self.spool)
        except edge.Unreachable as exc:
            self._offline(exc)
            return 0, 0
        except edge.Refused as exc:
            self.say(f"the server refused delivery ({exc}); kept on disk")
            return 0, 0
        if not self.online:
            self.say("server reachable again: delivering what was kept")
        self.online = True
        return done

    def _offline(self, exc: Exception) -> None:
        if self.online:
            self.say(f"server unreachable ({exc}): alerting from the local hot list")
        self.online = False

    def waiting(self) -> tuple[int, int]:
        return self.spool.count("reads"), self.spool.count("accesses")


def _jpeg(plate: Plate) -> bytes | None:
    return plate.crop_jpeg() if plate.crop is not None else None


def capture_time(started: datetime, seconds: float) -> datetime:
    return started + timedelta(seconds=seconds)
