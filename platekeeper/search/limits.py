"""A time limit per search query, on both databases.

PostgreSQL cancels the statement itself (`statement_timeout`, local to the
transaction); SQLite is interrupted from its progress handler. Either way the
caller gets `TooSlow` and tells the user to narrow the search.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction


class TooSlow(Exception):
    pass


# The search under way: when it must stop (time.monotonic()) and its limit. A
# search of several statements checks it between them, as each statement is
# limited on its own.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar(
    "search_deadline", default=None
)


def _too_slow(limit: float) -> TooSlow:
    return TooSlow(f"the search ran past its {limit:g}-second limit")


def check() -> None:
    """Raise TooSlow if the search under way is past its time limit."""
    under_way = _deadline.get()
    if under_way is not None and time.monotonic() > under_way[0]:
        raise _too_slow(under_way[1])


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    limit = seconds if seconds is not None else settings.SEARCH_TIME_LIMIT_SECONDS
    deadline = time.monotonic() + limit
    token = _deadline.set((deadline, limit))
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # set_config(..., true) is SET LOCAL with a bound parameter,
                    # which SET itself does not take under server-side binding.
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true)",
                        [str(int(limit * 1000))],
                    )
                yield
        else:
            connection.ensure_connection()
            raw = connection.connection
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
            try:
                yield
            finally:
                raw.set_progress_handler(None, 0)
    except DatabaseError as exc:
        text = str(exc).lower()
        if (
            "interrupted" in text
            or "statement timeout" in text
            or "canceling statement" in text
        ):
            raise _too_slow(limit) from exc
        raise
    finally:
        _deadline.reset(token)
