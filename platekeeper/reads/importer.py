"""Backfills from files: CSV or JSON Lines, one read a line, through the one
ingest path. Good lines are kept; each bad line is reported by its number.

CSV columns (header required; only plate, confidence and captured_at needed):
event_id, camera, plate, confidence, captured_at, state, state_confidence,
latitude, longitude, heading, vehicle_make, vehicle_color, vehicle_type.
A line without an event id gets one derived from its content, so importing
the same file twice stores nothing twice.
"""

from __future__ import annotations

import csv
import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from platekeeper.reads import ingest
from platekeeper.reads.ingest import Item
from platekeeper.reads.models import Camera
from platekeeper.reads.specs import ReadSpec, describe, nul_free

NUMBERS = ("confidence", "state_confidence", "latitude", "longitude", "heading")
VEHICLE = {"vehicle_make": "make", "vehicle_color": "color", "vehicle_type": "type"}


@dataclass
class Summary:
    lines: int = 0
    stored: int = 0
    duplicate: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)

    def add(self, status: str) -> None:
        if status == "stored":
            self.stored += 1
        else:
            self.duplicate += 1


class LineError(ValueError):
    pass


class _Lines:
    """Decoded lines for one csv.reader, remembering each line's number and bytes
    (a reader per line costs a third of the import's parsing time)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = iter(stream)
        self.number = 0
        self.raw = b""
        self.problem = ""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        self.raw = next(self.stream)
        self.number += 1
        try:
            return self.raw.decode("utf-8")
        except UnicodeDecodeError:
            self.problem = "not UTF-8 text"
            return "\n"


def csv_rows(
    stream: BinaryIO,
) -> Iterator[tuple[int, bytes, dict[str, Any] | None, str]]:
    """(line number, raw line, the line as a read's fields or None, why not)."""
    lines = _Lines(stream)
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    columns = [c.strip().lstrip("\ufeff") for c in header]
    for values in reader:
        if lines.problem:
            yield lines.number, lines.raw, None, lines.problem
            lines.problem = ""
        elif not values:
            continue
        elif len(values) != len(columns):
            yield (
                lines.number,
                lines.raw,
                None,
                f"{len(values)} values for {len(columns)} columns",
            )
        else:
            yield (
                lines.number,
                lines.raw,
                _from_csv(dict(zip(columns, values, strict=True))),
                "",
            )


def _from_csv(row: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        k: v for k, v in row.items() if v != "" and k not in VEHICLE
    }
    for key in NUMBERS:
        if key in fields:
            try:
                fields[key] = float(fields[key])
            except ValueError:
                pass  # left as text: validation names the field
    vehicle = {VEHICLE[k]: v for k, v in row.items() if k in VEHICLE and v}
    if vehicle:
        fields["vehicle"] = vehicle
    return fields


def jsonl_rows(
    stream: BinaryIO,
) -> Iterator[tuple[int, bytes, dict[str, Any] | None, str]]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield number, raw, None, f"not JSON ({exc})"
            continue
        if not isinstance(value, dict):
            yield number, raw, None, "not a JSON object"
            continue
        yield number, raw, value, ""


@contextmanager
def few_collections() -> Iterator[None]:
    """Run a long import with the cyclic garbage collector mostly out of the way.

    An import allocates millions of short-lived objects that reference counting
    frees; each of them still counts towards the collector's thresholds, and
    every full collection walks all of Django's long-lived objects. Freezing
    those and collecting the young generation less often halved the time of
    parsing and validation (docs/decisions/0008).
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class Importer:
    def __init__(
        self,
        default_camera: Camera | None,
        cameras: dict[str, Camera],
        batch_size: int = 1000,
    ) -> None:
        self.default_camera = default_camera
        self.cameras = cameras  # by name
        self.batch_size = batch_size
        self.summary = Summary()
        self._pending: dict[int, list[Item]] = defaultdict(list)
        self._camera_by_id = {c.id: c for c in cameras.values()}
        if default_camera:
            self._camera_by_id[default_camera.id] = default_camera

    def feed(
        self, number: int, raw: bytes, fields: dict[str, Any] | None, why: str
    ) -> None:
        self.summary.lines += 1
        if fields is None:
            self.summary.bad.append((number, why))
            return
        try:
            camera = self._camera_for(fields.pop("camera", None))
            fields.setdefault(
                "event_id", "import-" + hashlib.sha1(raw.strip()).hexdigest()
            )
            spec = ReadSpec.model_validate(fields, context=nul_free(raw))
        except LineError as exc:
            self.summary.bad.append((number, str(exc)))
            return
        except ValidationError as exc:
            self.summary.bad.append((number, "; ".join(describe(exc))))
            return
        self._pending[camera.id].append(Item.from_spec(number, spec))
        if len(self._pending[camera.id]) >= self.batch_size:
            self._flush(camera.id)

    def finish(self) -> Summary:
        for camera_id in list(self._pending):
            self._flush(camera_id)
        return self.summary

    def _camera_for(self, name: Any) -> Camera:
        if name in (None, ""):
            if self.default_camera is None:
                raise LineError(
                    "no camera: give the line a camera or the command --camera"
                )
            return self.default_camera
        camera = self.cameras.get(str(name))
        if camera is None:
            raise LineError(f"no approved camera named {name!r}")
        return camera

    def _flush(self, camera_id: int) -> None:
        items, self._pending[camera_id] = self._pending[camera_id], []
        if items:
            for result in ingest.store(self._camera_by_id[camera_id], items, "import"):
                self.summary.add(result.status)
