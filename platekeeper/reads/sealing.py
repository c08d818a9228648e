"""Files sealed at rest (R45, CJIS SC-28): AES-256-GCM under the data key.

A sealed file is MAGIC, a 12-byte random nonce, then the ciphertext with its
tag; the blob's name (the SHA-256 of the plain bytes) is the associated data,
so a sealed file moved under another name does not open. Files written before
a key was configured stay readable as they are.

Changing the key: the new key goes in PLATEKEEPER_DATA_KEY and the old one in
PLATEKEEPER_OLD_DATA_KEYS (comma-separated); files still sealed by an old key
open, and `platekeeper reseal` seals every file again under the new key, after
which the old key can be destroyed.
"""

from __future__ import annotations

import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"PKSEAL1\n"
NONCE = 12


class KeyProblem(Exception):
    """The data key is missing where it is needed, or is not a key."""


class Broken(Exception):
    """A sealed file does not open: altered, truncated, or sealed by another key."""


@cache
def _cipher(hex_key: str) -> AESGCM:
    try:
        key = bytes.fromhex(hex_key)
    except ValueError as exc:
        raise KeyProblem("PLATEKEEPER_DATA_KEY must be 64 hex digits") from exc
    if len(key) != 32:
        raise KeyProblem(
            f"PLATEKEEPER_DATA_KEY must be 32 bytes (64 hex digits), not {len(key)}"
        )
    return AESGCM(key)


def key() -> AESGCM | None:
    hex_key = settings.DATA_KEY_HEX
    return _cipher(hex_key.strip()) if hex_key else None


def old_keys() -> list[AESGCM]:
    hex_keys = settings.OLD_DATA_KEYS_HEX or ""
    return [_cipher(k.strip()) for k in hex_keys.split(",") if k.strip()]


def sealed_by_current_key(stored: bytes, name: str) -> bool:
    """Whether a stored file needs no resealing: sealed, and by today's key."""
    cipher = key()
    if cipher is None or not stored.startswith(MAGIC):
        return False
    body = stored[len(MAGIC) :]
    try:
        cipher.decrypt(body[:NONCE], body[NONCE:], name.encode())
    except InvalidTag:
        return False
    return True


def seal(data: bytes, name: str) -> bytes:
    cipher = key()
    if cipher is None:
        return data
    nonce = os.urandom(NONCE)
    return MAGIC + nonce + cipher.encrypt(nonce, data, name.encode())


def unseal(stored: bytes, name: str) -> bytes:
    if not stored.startswith(MAGIC):
        return stored
    cipher = key()
    if cipher is None:
        raise KeyProblem(
            "this file is sealed and PLATEKEEPER_DATA_KEY is not set: set the key"
        )
    body = stored[len(MAGIC) :]
    for candidate in (cipher, *old_keys()):
        try:
            return candidate.decrypt(body[:NONCE], body[NONCE:], name.encode())
        except InvalidTag:
            continue
    raise Broken(f"sealed file {name} does not open with the data key")
