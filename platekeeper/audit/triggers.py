"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit log.

Kept here rather than only in a migration because Django's SQLite migrations
rebuild a table on some field changes (dropping its triggers), and because
`verify_audit` and the test flush need to check and lift them.
"""

from __future__ import annotations

from django.db import connection

from platekeeper.lib.triggers import Triggers

TABLE = "audit_accessrecord"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]
SQLITE_NAMES = {"audit_no_update", "audit_no_delete"}

PG_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]
PG_NAMES = {"audit_no_update_delete", "audit_no_truncate"}


APPEND_ONLY = Triggers(SQLITE_CREATE, SQLITE_DROP, PG_CREATE, PG_DROP)
install, drop, lifted = APPEND_ONLY.install, APPEND_ONLY.drop, APPEND_ONLY.lifted


def missing() -> set[str]:
    """Names of the protecting triggers that are not in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [TABLE]
            )
            expected = PG_NAMES
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            expected = SQLITE_NAMES
        return expected - {row[0] for row in cursor.fetchall()}
