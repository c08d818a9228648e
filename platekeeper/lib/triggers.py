"""Database triggers kept in code, for the SQLite and PostgreSQL spellings.

Django's SQLite migrations rebuild a table on some field changes and drop its
triggers, so each protected table's triggers are put back after every
migrate, and the test flush lifts them only while it empties the tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Triggers:
    sqlite_create: list[str]
    sqlite_drop: list[str]
    pg_create: list[str]
    pg_drop: list[str]

    def _run(self, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def install(self) -> None:
        postgres = connection.vendor == "postgresql"
        self._run(self.pg_create if postgres else self.sqlite_create)

    def drop(self) -> None:
        postgres = connection.vendor == "postgresql"
        self._run(self.pg_drop if postgres else self.sqlite_drop)

    @contextmanager
    def lifted(self) -> Iterator[None]:
        """Drop the triggers for the duration (test-database flush only)."""
        self.drop()
        try:
            yield
        finally:
            self.install()
