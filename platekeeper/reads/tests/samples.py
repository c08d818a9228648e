"""The vendor payload samples of ../shared/formats, with real images where the
samples have placeholders."""

from __future__ import annotations

import json
from typing import Any

from platekeeper.test import JPEG_B64, SHARED

IMAGE_KEYS = ("plate_crop_jpeg", "vehicle_crop_jpeg", "overview_jpeg")


def sample(name: str, images: bool = True) -> Any:
    path = SHARED / "formats" / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: the payload samples live in ../shared/formats beside "
            "the repository (or set PLATEKEEPER_SHARED_DIR)"
        )
    data = json.loads(path.read_text())
    return with_images(data) if images else data


def with_images(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: JPEG_B64 if k in IMAGE_KEYS else with_images(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [with_images(v) for v in value]
    return value
