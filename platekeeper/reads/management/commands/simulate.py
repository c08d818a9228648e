"""Send a simulated town's reads to a running server over HTTP, as cameras would."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from platekeeper.accounts.models import Agency
from platekeeper.audit.record import Actor
from platekeeper.reads import actions
from platekeeper.reads.models import Camera
from platekeeper.reads.simulator import FIXED_CAMERAS, Town

ACTOR = Actor.system("simulate")
PREFIX = "Demo: "


def demo_keys(agency: Agency) -> dict[str, str]:
    """Make sure the simulated cameras exist and return a fresh key for each."""
    keys = {}
    fixed = {name: (lat, lon, heading) for name, lat, lon, heading in FIXED_CAMERAS}
    for name in Town(vehicles=1).cameras:
        camera = Camera.objects.filter(agency=agency, name=PREFIX + name).first()
        if camera is None:
            lat, lon, heading = fixed.get(name, (None, None, None))
            kind = Camera.Kind.FIXED if name in fixed else Camera.Kind.MOBILE
            _, key = actions.create_camera(
                agency,
                PREFIX + name,
                actor=ACTOR,
                approved=True,
                kind=kind,
                latitude=lat,
                longitude=lon,
                heading=heading,
            )
        else:
            key = actions.rotate_key(camera, actor=ACTOR)
        keys[name] = key
    return keys


class Command(BaseCommand):
    help = "Feed a running Platekeeper with a simulated town's camera reads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rate", type=float, default=2.0, help="reads per second")
        parser.add_argument(
            "--duration",
            type=float,
            default=60.0,
            help="seconds to run (0: until stopped)",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--seed", type=int, default=427)
        parser.add_argument(
            "--wait", action="store_true", help="wait for the server to come up first"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        agency = (
            Agency.objects.filter(type=Agency.Type.LAW_ENFORCEMENT)
            .order_by("id")
            .first()
        )
        if agency is None:
            raise CommandError("no agency yet: run 'platekeeper setup' first")
        keys = demo_keys(agency)
        town = Town(seed=opts["seed"] + int(time.time()))
        with httpx.Client(base_url=opts["url"], timeout=10) as client:
            if opts["wait"]:
                self._wait_for(client)
            sent = self._feed(client, town, keys, opts["rate"], opts["duration"])
        self.stdout.write(f"sent {sent} reads")

    def _wait_for(self, client: httpx.Client) -> None:
        for _ in range(120):
            try:
                client.get("/healthz")
                return
            except httpx.TransportError:
                time.sleep(0.5)
        raise CommandError("the server did not come up")

    def _feed(
        self,
        client: httpx.Client,
        town: Town,
        keys: dict[str, str],
        rate: float,
        duration: float,
    ) -> int:
        started, sent, owed = time.monotonic(), 0, 0.0
        while duration <= 0 or time.monotonic() - started < duration:
            time.sleep(1.0)
            owed += rate
            batches: dict[str, list[dict[str, object]]] = defaultdict(list)
            for _ in range(int(owed)):
                # Cameras send a moment after they capture: the drift shows.
                read = town.read(
                    timezone.now() - timedelta(seconds=town.rng.uniform(0.3, 2.5))
                )
                batches[read.camera].append(read.as_json())
            owed -= int(owed)
            for camera, reads in batches.items():
                try:
                    response = client.post(
                        "/api/v1/reads",
                        json=reads,
                        headers={"Authorization": f"Bearer {keys[camera]}"},
                    )
                except httpx.TransportError as exc:
                    self.stderr.write(f"server unreachable ({exc}); will retry")
                    continue
                if response.status_code != 200:
                    self.stderr.write(
                        f"{camera}: {response.status_code} {response.text[:200]}"
                    )
                else:
                    sent += len(reads)
        return sent
