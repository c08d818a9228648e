"""Test-wide set-up. pytest-django runs the suite on whichever database
DATABASE_URL names (SQLite in PLATEKEEPER_DATA_DIR when unset)."""

from __future__ import annotations

import os

import pytest

# The Playwright sync API runs an event loop in the test thread; Django's ORM
# refuses to run beside one unless told it is safe. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; the tests that check hashing ask for it.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
