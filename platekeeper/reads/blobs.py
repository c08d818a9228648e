"""Content-addressed image store under the data directory.

A blob's name is the SHA-256 of its bytes, so storing the same image twice
costs nothing and a read row can never point at changed content. With a data
key set, the file holds the bytes sealed (AES-256-GCM, `sealing`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from platekeeper.reads import sealing

logger = logging.getLogger(__name__)

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"


class NotAnImage(ValueError):
    pass


def _name(digest: str, root: Path | None = None) -> str:
    # os.path, not pathlib: a purge resolves a million of these (a second less).
    base = settings.IMAGES_DIR if root is None else root
    return os.path.join(base, digest[:2], digest[2:4], digest)


def _path(digest: str, root: Path | None = None) -> Path:
    return Path(_name(digest, root))


def check_image(data: bytes) -> None:
    if not (data.startswith(JPEG) or data.startswith(PNG)):
        raise NotAnImage("an image must be JPEG or PNG")


def extension(data: bytes) -> str:
    return ".png" if data.startswith(PNG) else ".jpg"


def put(data: bytes, durable: bool = True, root: Path | None = None) -> str:
    """Store bytes (write, fsync, rename) and return their digest; `durable`
    off skips the fsync (the benchmark's bulk fill only)."""
    digest = hashlib.sha256(data).hexdigest()
    path = _path(digest, root)
    if path.exists():
        return digest
    _write(path, data, digest, durable)
    return digest


def _write(path: Path, data: bytes, digest: str, durable: bool = True) -> None:
    """Seal and write whole or not at all (write, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(sealing.seal(data, digest))
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def reseal(path: Path) -> bool:
    """Seal a stored file again under today's key (after a key change, or a file
    stored before a key was set); whether it had to be. Raises sealing.Broken
    for a file no key opens, or whose bytes are not the ones it is named by."""
    digest = path.name
    stored = path.read_bytes()
    if sealing.sealed_by_current_key(stored, digest):
        return False
    data = sealing.unseal(stored, digest)
    if hashlib.sha256(data).hexdigest() != digest:
        raise sealing.Broken(f"{path} does not hold the bytes it is named by")
    _write(path, data, digest)
    return True


def stored_files(root: Path) -> Iterator[Path]:
    """Every blob file under a store (not the temporary files of a write)."""
    for path in sorted(root.glob("??/??/*")):
        if path.is_file() and not path.name.startswith(".tmp-"):
            yield path


def get(digest: str, root: Path | None = None) -> bytes | None:
    """The plain bytes; None when the file is gone (purged) or does not open
    (logged: someone must look at it)."""
    try:
        stored = _path(digest, root).read_bytes()
    except (FileNotFoundError, ValueError):
        return None
    try:
        return sealing.unseal(stored, digest)
    except sealing.Broken:
        logger.error("blob %s does not open with the data key", digest)
        return None


def delete(digest: str) -> bool:
    """Remove an image (the purge, once no read shows it); whether it was there."""
    try:
        os.unlink(_name(digest))
    except (FileNotFoundError, ValueError):
        return False
    return True


# Written requests and release packages: kept apart from the images the purge
# manages, for as long as the sharing records that name them.
def put_document(data: bytes) -> str:
    return put(data, root=settings.DOCUMENTS_DIR)


def get_document(digest: str) -> bytes | None:
    return get(digest, root=settings.DOCUMENTS_DIR)
