"""Django's SQLite backend on SQLCipher (R45): the database file encrypted
with AES-256 under PLATEKEEPER_DATABASE_KEY.

Everything is Django's SQLite backend except the driver: the connection comes
from `sqlcipher3`, is keyed before anything else runs, and its cursors are the
same "format"-to-"qmark" wrapper built on sqlcipher3's Cursor class.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from itertools import tee
from typing import Any

from django.db.backends.sqlite3 import base
from django.db.backends.sqlite3._functions import register as register_functions
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from sqlcipher3 import dbapi2 as Database

# What Django registers on the standard library's sqlite3, on this driver too.
Database.register_converter("bool", b"1".__eq__)
Database.register_converter("date", base.decoder(parse_date))
Database.register_converter("time", base.decoder(parse_time))
Database.register_converter("datetime", base.decoder(parse_datetime))
Database.register_converter("timestamp", base.decoder(parse_datetime))
Database.register_adapter(decimal.Decimal, str)
Database.register_adapter(datetime.date, base.adapt_date)
Database.register_adapter(datetime.datetime, base.adapt_datetime)


class CursorWrapper(Database.Cursor):  # type: ignore[misc]
    """Django's SQLiteCursorWrapper, on sqlcipher3's Cursor."""

    def execute(self, query: str, params: Any = None) -> Any:
        if params is None:
            return super().execute(query)
        names = list(params) if isinstance(params, Mapping) else None
        return super().execute(self.convert_query(query, param_names=names), params)

    def executemany(self, query: str, param_list: Any) -> Any:
        peekable, param_list = tee(iter(param_list))
        first = next(peekable, None)
        names = list(first) if first and isinstance(first, Mapping) else None
        return super().executemany(
            self.convert_query(query, param_names=names), param_list
        )

    convert_query = base.SQLiteCursorWrapper.convert_query


def connect(path: str, key: str | None, **params: Any) -> Any:
    """A SQLCipher connection to `path`, keyed (the key as a raw 256-bit hex
    blob: no passphrase derivation) before anything else runs."""
    conn = Database.connect(path, **params)
    if key:
        if len(key) != 64 or any(c not in "0123456789abcdefABCDEF" for c in key):
            raise ValueError("PLATEKEEPER_DATABASE_KEY must be 64 hex digits")
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
    return conn


class DatabaseWrapper(base.DatabaseWrapper):
    Database = Database

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        self._cipher_key = params.pop("cipher_key", None)
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        params = dict(conn_params)
        conn = connect(params.pop("database"), self._cipher_key, **params)
        register_functions(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA legacy_alter_table = OFF")
        for init_command in self.init_commands:  # type: ignore[attr-defined]
            if init_command := init_command.strip():
                conn.execute(init_command)
        return conn

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)
