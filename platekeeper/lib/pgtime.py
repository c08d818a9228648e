"""Timestamps from PostgreSQL parsed by psycopg's C loader.

Django registers, for every connection, a loader that parses each timestamptz
in Python and then sets its zone to UTC. A canvass reads a few hundred of them,
a search page a hundred, an export thousands: on a slow machine parsing them
cost a canvass 8 ms, and its bare query as much (decision 0022). Django keeps
every connection's session TimeZone at UTC (`ensure_timezone`), and psycopg's
C loader returns the same values, in UTC, with the same tzinfo object; where a
session's zone were ever set otherwise, it still returns the right instant,
where Django's would relabel the local time as UTC.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format

_TIMESTAMPTZ = adapters.types["timestamptz"].oid
# The loader psycopg itself registers: its C implementation when installed
# (psycopg[binary] or [c]), its Python one otherwise.
_PSYCOPG_LOADER: Any = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


class UtcTimestampLoader(Loader):
    """psycopg's loader, with the `timezone` Django looks for: before each
    cursor Django compares it with the connection's zone and, when the two
    agree, registers its own Python loader no more. (A C type cannot be
    subclassed, hence the wrapper.)"""

    timezone = UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        # psycopg looks `load` up once per column on the instance: the C
        # loader's bound method, with no Python frame per value.
        self.load = _PSYCOPG_LOADER(oid, context).load  # type: ignore[method-assign]

    def load(self, data: Any) -> Any:  # replaced in __init__
        raise NotImplementedError


def use_c_loader(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (`connection_created`)."""
    if connection.vendor != "postgresql" or connection.timezone != UTC:
        return
    connection.connection.adapters.register_loader(_TIMESTAMPTZ, UtcTimestampLoader)
