"""Read the plates in a picture or a folder of pictures.

    platekeeper recognize witness.jpg --camera "Front desk"          # prints
    platekeeper recognize /srv/stills --camera "Lot 3" --post       # stores

With --post each plate becomes a read of the named camera through the same
ingest path as any camera's, so it is matched against the hot lists. Only a
camera approved as an ALPR camera under the Policy may feed reads.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic import ValidationError

from platekeeper.reads import ingest
from platekeeper.reads.ingest import Item
from platekeeper.reads.models import Camera
from platekeeper.reads.specs import ReadSpec, describe
from platekeeper.recognition import edge, pipeline, weights
from platekeeper.recognition.evaluate import IMAGE_SUFFIXES


def _images(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return [path] if path.is_file() else []


def _camera(name: str, agency: str | None) -> Camera:
    """The named camera; names are unique within an agency, not across them."""
    cameras = Camera.objects.filter(name=name)
    if agency:
        cameras = cameras.filter(agency__ori=agency)
    found = list(cameras[:2])
    if not found:
        raise CommandError(f"no camera named {name!r}")
    if len(found) > 1:
        raise CommandError(
            f"two agencies have a camera named {name!r}: add --agency ORI"
        )
    return found[0]


class Command(BaseCommand):
    help = "Read plates from an image or a folder of images."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--camera", required=True, help="the camera's name")
        parser.add_argument(
            "--agency", help="the camera's agency (ORI), if the name is shared"
        )
        parser.add_argument("--post", action="store_true", help="store the reads")
        parser.add_argument(
            "--crop", action="store_true", help="each image is one plate"
        )
        parser.add_argument(
            "--json", action="store_true", help="one JSON line per plate"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        camera = _camera(options["camera"], options["agency"])
        if options["post"] and not camera.approved:
            raise CommandError(
                f"{camera.name} is not approved as an ALPR camera under the Policy"
            )
        images = _images(options["path"])
        if not images:
            raise CommandError(f"no JPEG, PNG, BMP or WebP image at {options['path']}")
        for path in images:
            try:
                self.one(camera, path, options)
            except pipeline.ImageError as exc:
                self.stderr.write(f"{path}: {exc}")
            except weights.ModelError as exc:
                raise CommandError(str(exc)) from exc

    def one(self, camera: Camera, path: Path, options: dict[str, Any]) -> None:
        data = path.read_bytes()
        image = pipeline.decode(data)
        if options["crop"]:
            found = pipeline.read_crop(image)
            plates = [found] if found else []
        else:
            plates = pipeline.recognize(image)
        if not plates:
            self.stdout.write(f"{path}: no plate read")
        digest = hashlib.sha256(data).hexdigest()[:32]
        # When the picture was taken, as well as the file can say.
        taken = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        items = []
        for n, plate in enumerate(plates):
            if options["json"]:
                self.stdout.write(json.dumps({"file": str(path), **plate.as_json()}))
            else:
                state = f" {plate.state}" if plate.state else ""
                others = ", ".join(p for p, _ in plate.candidates if p != plate.text)
                self.stdout.write(
                    f"{path}: {plate.text}{state} ({plate.confidence:.2f})"
                    + (f" or {others}" if others else "")
                )
            # The same picture posted twice is one read: its id is the file's hash.
            payload = edge.read_payload(
                f"{digest}-{n}", plate, taken, plate.crop_jpeg()
            )
            try:
                items.append(Item.from_spec(n, ReadSpec.model_validate(payload)))
            except ValidationError as exc:
                self.stderr.write(f"{path}: {plate.text} not stored: {describe(exc)}")
        if options["post"] and items:
            for result in ingest.store(camera, items, source_format="platekeeper"):
                self.stdout.write(f"{path}: read {result.read_id} {result.status}")
