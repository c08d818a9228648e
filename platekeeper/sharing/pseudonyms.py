"""Pseudonymized exports for public-records requests (ACLU Foundation v.
Superior Court, Cal. 2017): every plate replaced by a stable pseudonym.

The pseudonym is a keyed hash of the plate with a key made for the one
request, so within a release the same plate is always the same pseudonym
(patterns stay visible), while two releases cannot be joined on it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

COLUMNS = ["vehicle", "captured_at", "camera", "latitude", "longitude"]


def pseudonym(plate: str, request_id: int) -> str:
    key = hashlib.sha256(
        f"{settings.SECRET_KEY}:release:{request_id}".encode()
    ).digest()
    return "V-" + hmac.new(key, plate.encode(), hashlib.sha256).hexdigest()[:12]


def as_csv(reads: Iterable[Any], request_id: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for read in reads:
        writer.writerow(
            [
                pseudonym(read.plate.plate, request_id),
                timezone.localtime(read.captured_at).strftime("%Y-%m-%d %H:%M"),
                read.camera.name,
                # Three decimals (about 100 m): where a camera is, not a house.
                "" if read.latitude is None else f"{read.latitude:.3f}",
                "" if read.longitude is None else f"{read.longitude:.3f}",
            ]
        )
    return out.getvalue().encode()
