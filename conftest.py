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
    # A persistent connection held by the live server's worker threads would
    # keep PostgreSQL from dropping the test database at the end of the run.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Processes look at the hot-list generation every half second; a test
    # adds an entry and posts a read at once.
    settings.HOTLIST_CHECK_SECONDS = 0
    # The plate reader's files: the copies beside the repository, never a download.
    from platekeeper.test import SHARED

    settings.MODEL_DIR = SHARED / "models"
    settings.MODEL_DOWNLOAD = False
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
