"""A database trigger that refuses to delete a read still within its retention.

Only the purge moves the horizon (`Horizon.reads_before`), and only to now
minus the reads' retention, so a read younger than that cannot be deleted by
anyone working through the application: not an administrator in a shell, not
a bug in the purge (R24). Dropping the trigger takes the database owner.
"""

from __future__ import annotations

from platekeeper.lib.triggers import Triggers

READS = "reads_plateread"
HORIZON = "retention_horizon"
MESSAGE = "a read within its retention period cannot be deleted"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS reads_keep_retained BEFORE DELETE ON {READS}
        WHEN OLD.captured_at >= COALESCE((SELECT MAX(reads_before) FROM {HORIZON}), '0')
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS reads_keep_retained"]

PG_CREATE = [
    f"""CREATE OR REPLACE FUNCTION reads_keep_retained() RETURNS trigger AS $$
        BEGIN
          IF OLD.captured_at >= COALESCE(
               (SELECT MAX(reads_before) FROM {HORIZON}), '-infinity'::timestamptz) THEN
            RAISE EXCEPTION '{MESSAGE}';
          END IF;
          RETURN OLD;
        END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER reads_keep_retained BEFORE DELETE ON {READS}
        FOR EACH ROW EXECUTE FUNCTION reads_keep_retained()""",
]
PG_DROP = [f"DROP TRIGGER IF EXISTS reads_keep_retained ON {READS}"]


GUARD = Triggers(SQLITE_CREATE, SQLITE_DROP, PG_CREATE, PG_DROP)
install, drop, lifted = GUARD.install, GUARD.drop, GUARD.lifted
