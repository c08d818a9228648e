"""A simulated town's camera feed: the demo's reads and the benchmarks' data.

Deterministic for a seed. Fixed cameras stand at real intersections of
Hawthorne, California; patrol cars wander the grid. Most traffic is commuters
seen again and again (a Zipf-like pool), plates follow several states'
formats, and a few reads carry an OCR-style misread with the true plate among
their candidates.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

L, D = string.ascii_uppercase, string.digits
# State -> plate layout (L letter, D digit) and how common it is locally.
FORMATS = {
    "CA": (["DLLLDDD"], 0.86),
    "AZ": (["LLLDDDD"], 0.04),
    "NV": (["DDLDDD", "LLLDDD"], 0.03),
    "TX": (["LLLDDDD"], 0.03),
    "OR": (["DDDLLL"], 0.02),
    "WA": (["LLLDDDD"], 0.02),
}
CONFUSIONS = {
    "0": "O",
    "O": "0",
    "8": "B",
    "B": "8",
    "1": "I",
    "I": "1",
    "5": "S",
    "S": "5",
    "2": "Z",
    "Z": "2",
    "6": "G",
    "G": "6",
    "D": "0",
}
MAKES = [
    "Toyota",
    "Honda",
    "Ford",
    "Chevrolet",
    "Nissan",
    "Tesla",
    "Hyundai",
    "Kia",
    "BMW",
]
COLORS = ["white", "black", "silver", "gray", "blue", "red", "green"]
TYPES = ["sedan", "suv", "pickup", "van", "hatchback"]

# (name, latitude, longitude, heading): intersections in Hawthorne, CA.
FIXED_CAMERAS = [
    ("Hawthorne Blvd & El Segundo Blvd NB", 33.9165, -118.3527, 0.0),
    ("Hawthorne Blvd & Rosecrans Ave SB", 33.9017, -118.3526, 180.0),
    ("Crenshaw Blvd & El Segundo Blvd WB", 33.9166, -118.3268, 270.0),
    ("Prairie Ave & 120th St NB", 33.9237, -118.3442, 0.0),
    ("Inglewood Ave & Marine Ave EB", 33.8945, -118.3610, 90.0),
    ("Imperial Hwy & Hawthorne Blvd EB", 33.9306, -118.3527, 90.0),
]
PATROL_CARS = ["Patrol 21", "Patrol 34"]
CENTER = (33.9164, -118.3526)


@dataclass(frozen=True)
class Vehicle:
    plate: str
    state: str
    make: str
    color: str
    type: str


@dataclass(frozen=True)
class SimRead:
    camera: str
    event_id: str
    plate: str
    true_plate: str
    state: str
    confidence: float
    captured_at: datetime
    latitude: float
    longitude: float
    heading: float
    vehicle: Vehicle
    candidates: tuple[tuple[str, float], ...]

    def as_json(self) -> dict[str, object]:
        return {
            "event_id": self.event_id,
            "plate": self.plate,
            "confidence": self.confidence,
            "captured_at": self.captured_at.isoformat(),
            "state": self.state,
            "state_confidence": 0.9,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "heading": self.heading,
            "vehicle": {
                "make": self.vehicle.make,
                "color": self.vehicle.color,
                "type": self.vehicle.type,
            },
            "candidates": [{"plate": p, "confidence": c} for p, c in self.candidates],
        }


class Town:
    def __init__(self, seed: int = 427, vehicles: int = 20000) -> None:
        self.rng = random.Random(seed)
        self.vehicles = [self._vehicle() for _ in range(vehicles)]
        # Commuters: a small share of vehicles makes most of the traffic.
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(vehicles)]
        self.cum_weights = list(itertools.accumulate(weights))
        self.cameras = [name for name, *_ in FIXED_CAMERAS] + PATROL_CARS
        self._patrol = {name: list(CENTER) for name in PATROL_CARS}
        self._serial = 0

    def _plate(self, state: str) -> str:
        layouts, _ = FORMATS[state]
        layout = self.rng.choice(layouts)
        return "".join(self.rng.choice(L if c == "L" else D) for c in layout)

    def _vehicle(self) -> Vehicle:
        states = list(FORMATS)
        state = self.rng.choices(states, [FORMATS[s][1] for s in states])[0]
        return Vehicle(
            self._plate(state),
            state,
            self.rng.choice(MAKES),
            self.rng.choice(COLORS),
            self.rng.choice(TYPES),
        )

    def _place(self, camera: str) -> tuple[float, float, float]:
        for name, lat, lon, heading in FIXED_CAMERAS:
            if name == camera:
                return lat, lon, heading
        pos = self._patrol[camera]  # a patrol car drifts around the town grid
        pos[0] = min(33.935, max(33.89, pos[0] + self.rng.uniform(-0.002, 0.002)))
        pos[1] = min(-118.32, max(-118.37, pos[1] + self.rng.uniform(-0.002, 0.002)))
        return pos[0], pos[1], float(self.rng.choice([0, 90, 180, 270]))

    def _misread(self, plate: str) -> str:
        spots = [i for i, c in enumerate(plate) if c in CONFUSIONS]
        if not spots:
            return plate
        i = self.rng.choice(spots)
        return plate[:i] + CONFUSIONS[plate[i]] + plate[i + 1 :]

    def read(self, at: datetime, camera: str | None = None) -> SimRead:
        camera = camera or self.rng.choice(self.cameras)
        vehicle = self.rng.choices(self.vehicles, cum_weights=self.cum_weights)[0]
        confidence = round(self.rng.uniform(0.72, 0.99), 3)
        plate = vehicle.plate
        candidates: tuple[tuple[str, float], ...] = ((plate, confidence),)
        if self.rng.random() < 0.03:
            plate = self._misread(vehicle.plate)
            confidence = round(self.rng.uniform(0.55, 0.8), 3)
            candidates = (
                (plate, confidence),
                (vehicle.plate, round(confidence - 0.05, 3)),
            )
        lat, lon, heading = self._place(camera)
        self._serial += 1
        return SimRead(
            camera,
            f"sim-{self._serial}-{self.rng.getrandbits(48):012x}",
            plate,
            vehicle.plate,
            vehicle.state,
            confidence,
            at,
            lat,
            lon,
            heading,
            vehicle,
            candidates,
        )

    def reads(self, start: datetime, count: int, span: timedelta) -> Iterator[SimRead]:
        """`count` reads spread evenly over `span` from `start`."""
        step = span / max(count, 1)
        for i in range(count):
            yield self.read(start + i * step)
