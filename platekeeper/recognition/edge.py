"""The patrol car's side of `platekeeper watch`: a link to the server that
comes and goes, a spool on disk that loses nothing, and a local copy of the
hot lists, encrypted at rest, for alerting with the server out of reach.

Delivery is at-least-once from the car and exactly-once on the server: each
read and each access record carries an event id the server keeps, so a batch
sent twice (the answer lost on the way back) is stored once. A spooled file
is deleted only after the server has answered for it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from platekeeper.lib.files import write_atomically
from platekeeper.lib.matcher import Index, Row
from platekeeper.lib.plates import normalize

logger = logging.getLogger(__name__)
BATCH = 100


class Unreachable(Exception):
    """The server did not answer (no network, down, timed out, 5xx)."""


class Refused(Exception):
    """The server answered no (wrong key, operator not allowed)."""


class Spool:
    """Reads and access records waiting for the server, one JSON file each."""

    KINDS = ("reads", "accesses")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        for kind in (*self.KINDS, "rejected"):
            (folder / kind).mkdir(parents=True, exist_ok=True)

    def put(self, kind: str, event_id: str, payload: dict[str, Any]) -> Path:
        path = self.folder / kind / f"{event_id}.json"
        write_atomically(path, json.dumps(payload).encode())
        return path

    def pending(self, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
        for path in sorted((self.folder / kind).glob("*.json")):
            try:
                yield path, json.loads(path.read_bytes())
            except (OSError, ValueError) as exc:
                # A file that cannot be read is kept aside with the reason, not
                # deleted: someone must look at it.
                self.reject(path, f"unreadable: {exc}")

    def count(self, kind: str) -> int:
        return sum(1 for _ in (self.folder / kind).glob("*.json"))

    def reject(self, path: Path, why: str) -> None:
        target = self.folder / "rejected" / path.name
        path.replace(target)
        write_atomically(target.with_suffix(".why"), why.encode())
        logger.error("the server refused %s: %s", path.name, why)


def _key(device_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"platekeeper hot list"
    ).derive(device_key.encode())


@dataclass
class Hit:
    entry: dict[str, Any]
    how: str  # exact, misread or wildcard


class LocalHotList:
    """The entries this car may hold, AES-GCM encrypted under a key derived
    from the device key: a copied disk is of no use without the key."""

    def __init__(self, path: Path, device_key: str) -> None:
        self.path = path
        self.cipher = AESGCM(_key(device_key))
        self.entries: dict[int, dict[str, Any]] = {}
        self.index = Index()
        self.refreshed_at: str = ""

    def save(self, entries: list[dict[str, Any]], refreshed_at: str) -> None:
        nonce = os.urandom(12)
        plain = json.dumps({"refreshed_at": refreshed_at, "entries": entries}).encode()
        write_atomically(
            self.path, nonce + self.cipher.encrypt(nonce, plain, b"hot list")
        )
        self._use(entries, refreshed_at)

    def load(self) -> bool:
        """The copy on disk, if there is one this key opens."""
        try:
            data = self.path.read_bytes()
            plain = self.cipher.decrypt(data[:12], data[12:], b"hot list")
        except (OSError, InvalidTag, ValueError):
            return False
        found = json.loads(plain)
        self._use(found["entries"], found["refreshed_at"])
        return True

    def _use(self, entries: list[dict[str, Any]], refreshed_at: str) -> None:
        self.entries = {e["entry_id"]: e for e in entries}
        self.index = Index.build(
            Row(e["entry_id"], e["plate"], bool(e["tolerant"])) for e in entries
        )
        self.refreshed_at = refreshed_at

    def match(self, plate: str) -> list[Hit]:
        return [
            Hit(self.entries[i], how) for i, how in self.index.match(normalize(plate))
        ]


class Link:
    """HTTP to the server with the device key, and the operator's token once signed in."""

    def __init__(self, server: str, device_key: str, timeout: float = 10.0) -> None:
        self.client = httpx.Client(
            base_url=server.rstrip("/"),
            headers={"Authorization": f"Bearer {device_key}"},
            timeout=timeout,
        )
        self.token = ""

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-Operator-Token": self.token} if self.token else {}
        try:
            response = self.client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(str(exc)) from exc
        if response.status_code >= 500:
            raise Unreachable(f"server error {response.status_code}")
        if response.status_code in (401, 403):
            try:
                why = response.json().get("error", response.reason_phrase)
            except ValueError:
                why = response.reason_phrase
            raise Refused(why)
        return response

    def sign_in(self, username: str, password: str, code: str = "") -> str:
        answer = self._call(
            "POST",
            "/api/v1/device/operator",
            json={"username": username, "password": password, "code": code},
        )
        self.token = answer.json()["token"]
        return self.token

    def hot_list(self) -> dict[str, Any]:
        data: dict[str, Any] = self._call("GET", "/api/v1/device/hotlist").json()
        return data

    def send_reads(self, reads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self._call("POST", "/api/v1/reads", json={"reads": reads})
        items: list[dict[str, Any]] = answer.json().get("items", [])
        return items

    def send_accesses(self, accesses: list[dict[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = self._call(
            "POST", "/api/v1/device/accesses", json={"accesses": accesses}
        ).json()
        return data


def deliver(link: Link, spool: Spool) -> tuple[int, int]:
    """Send what is spooled, oldest first; (reads, accesses) delivered.
    Raises Unreachable when the server goes away mid-way (what was answered
    for is already off the disk)."""
    reads = _deliver_reads(link, spool)
    accesses = 0
    batch = list(spool.pending("accesses"))
    for start in range(0, len(batch), BATCH):
        part = batch[start : start + BATCH]
        answer = link.send_accesses([payload for _, payload in part])
        bad = {r["index"]: r["error"] for r in answer.get("rejected", [])}
        for index, (path, _) in enumerate(part):
            if index in bad:
                spool.reject(path, bad[index])
            else:
                path.unlink(missing_ok=True)
                accesses += 1
    return reads, accesses


def _deliver_reads(link: Link, spool: Spool) -> int:
    delivered = 0
    batch = list(spool.pending("reads"))
    for start in range(0, len(batch), BATCH):
        part = batch[start : start + BATCH]
        items = link.send_reads([payload for _, payload in part])
        status = {i["index"]: i for i in items}
        for index, (path, _) in enumerate(part):
            item = status.get(index)
            if item is None:
                continue  # not answered for: sent again next time
            if item["status"] == "rejected":
                spool.reject(path, "; ".join(item.get("errors", [])))
            else:
                path.unlink(missing_ok=True)
                delivered += 1
    return delivered


def read_payload(
    event_id: str, plate: Any, captured_at: datetime, crop_jpeg: bytes | None
) -> dict[str, Any]:
    """The generic ingest format for one recognized plate (`pipeline.Plate`)."""
    payload: dict[str, Any] = {
        "event_id": event_id,
        "plate": plate.text,
        "confidence": plate.confidence,
        "captured_at": captured_at.astimezone(UTC).isoformat(),
        "candidates": [
            {"plate": p, "confidence": min(1.0, max(0.0, s))}
            for p, s in plate.candidates
            if p != plate.text
        ][:10],
        "details": {
            "recognizer": "platekeeper",
            "char_confidences": list(plate.char_confidences),
            "box": list(plate.box),
        },
    }
    if plate.state:
        payload["state"] = plate.state
        payload["state_confidence"] = round(plate.state_confidence, 3)
    if crop_jpeg:
        payload["plate_image"] = base64.b64encode(crop_jpeg).decode()
    return payload
