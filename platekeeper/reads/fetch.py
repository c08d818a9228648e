"""Fetching images that a format only references, after the read is stored.

Off unless PLATEKEEPER_FETCH_IMAGES is set, and only for cameras with an
image_url. Run by the scheduler every minute, so ingest never waits on a
camera's web server. Each read is tried once; the outcome goes in its details.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from platekeeper.reads import blobs
from platekeeper.reads.models import PlateRead

# Images of older reads are not worth a camera's bandwidth any more.
HORIZON = timedelta(hours=1)
TIMEOUT = 5.0


class FetchFailed(Exception):
    pass


def pending(limit: int = 200) -> list[PlateRead]:
    return list(
        PlateRead.objects.filter(
            received_at__gte=timezone.now() - HORIZON,
            overview_image="",
            details__has_key="image_ref",
        )
        .exclude(camera__image_url="")
        .exclude(details__has_key="image_fetch")
        .select_related("camera")
        .order_by("id")[:limit]
    )


def download(url: str, client: httpx.Client) -> bytes:
    data = b""
    with client.stream("GET", url) as response:
        if response.status_code != 200:
            raise FetchFailed(f"HTTP {response.status_code}")
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > settings.FETCH_IMAGE_MAX_BYTES:
                raise FetchFailed("larger than the fetch limit")
    try:
        blobs.check_image(data)
    except blobs.NotAnImage as exc:
        raise FetchFailed(str(exc)) from exc
    return data


def fetch_one(read: PlateRead, client: httpx.Client) -> str:
    url = read.camera.image_url.replace("{ref}", str(read.details["image_ref"]))
    try:
        digest = blobs.put(download(url, client))
    except (FetchFailed, httpx.HTTPError) as exc:
        outcome = f"failed: {exc}"[:200]
        digest = ""
    else:
        outcome = "ok"
    changes: dict[str, object] = {"details": {**read.details, "image_fetch": outcome}}
    if digest:
        changes["overview_image"] = digest
    PlateRead.objects.filter(pk=read.pk).update(**changes)
    return outcome


def run() -> dict[str, int]:
    if not settings.FETCH_IMAGES:
        return {}
    counts: dict[str, int] = {"ok": 0, "failed": 0}
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
        for read in pending():
            counts["ok" if fetch_one(read, client) == "ok" else "failed"] += 1
    return counts
