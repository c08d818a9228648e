"""Backup and restore on PostgreSQL (R25): pg_dump, pg_restore into an empty
database, and every purge since the backup applied again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from platekeeper.service.tests.test_backup import BackupScenario


def server_url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def admin(sql: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


@pytest.mark.requirement("R25")
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the SQLite backup has its own tests (test_backup)",
)
class PostgresBackupTestCase(BackupScenario):
    def setUp(self) -> None:
        super().setUp()
        self.work = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.work, True)
        self.ledger = self.work / "ledger"
        self.enterContext(
            override_settings(
                IMAGES_DIR=self.work / "images", PURGE_LEDGER_DIR=self.ledger
            )
        )
        self.target = f"pk_restore_{os.getpid()}"
        admin(f"DROP DATABASE IF EXISTS {self.target}")
        admin(f"CREATE DATABASE {self.target}")
        self.addCleanup(admin, f"DROP DATABASE IF EXISTS {self.target} WITH (FORCE)")

    def platekeeper(self, *args: str) -> str:
        env = {
            **os.environ,
            "DATABASE_URL": server_url(self.target),
            "PLATEKEEPER_DATA_DIR": str(self.work / "restored"),
            "PLATEKEEPER_PURGE_LEDGER_DIR": str(self.ledger),
        }
        done = subprocess.run(
            [sys.executable, "-m", "platekeeper", *args],
            env=env,
            capture_output=True,
            text=True,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    def restored(self, sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(server_url(self.target)) as conn:
            return conn.execute(sql).fetchall()

    def test_it_restores_everything_but_what_was_purged_since(self) -> None:
        fresh = self.backed_up_then_purged()
        self.assertTrue((self.work / "backup" / "platekeeper.pgdump").exists())

        out = self.platekeeper("restore", str(self.work / "backup"))
        self.assertIn("2 reads deleted since the backup", out)
        self.platekeeper("verify_audit")  # the chain verifies

        self.assertEqual(self.restored("SELECT id FROM reads_plateread"), [(fresh,)])
        images = [
            p for p in (self.work / "restored" / "images").rglob("*") if p.is_file()
        ]
        self.assertEqual(len(images), 1)
        self.assertEqual(
            self.restored("SELECT plate_image FROM reads_plateread")[0][0],
            images[0].name,
        )
        versions = self.restored("SELECT COUNT(*) > 0 FROM policy_policyversion")
        self.assertEqual(versions, [(True,)])
        made = self.restored(
            "SELECT COUNT(*) FROM audit_accessrecord WHERE action = 'backup'"
        )
        self.assertEqual(made[0][0], 1)  # the backup holds the record of its making
        # The reads are partitioned by month in the restored database too.
        layout = self.restored(
            "SELECT COUNT(*) FROM pg_partitioned_table "
            "WHERE partrelid = 'reads_plateread'::regclass"
        )
        self.assertEqual(layout[0][0], 1)

    def test_it_drops_again_the_months_a_purge_dropped_and_keeps_what_it_kept(
        self,
    ) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from platekeeper.reads import partitions
        from platekeeper.retention import ledger

        now = timezone.now()
        # The scenario's old reads (800 and 900 days) each in a month of its
        # own, so the purge drops months; and a read held throughout.
        partitions.ensure(now - timedelta(days=900), now - timedelta(days=800))
        kept, _ = self.held_read_with_image("2KPT444", 850)
        fresh = self.backed_up_then_purged()
        [entry] = ledger.after(0)
        self.assertEqual(entry.read_ids, [])  # months, not ids
        self.assertIn(frozenset({kept}), {m.kept for m in entry.months})

        out = self.platekeeper("restore", str(self.work / "backup"))
        self.assertIn("2 reads deleted since the backup", out)
        self.assertEqual(
            self.restored("SELECT id FROM reads_plateread ORDER BY id"),
            sorted([(fresh,), (kept,)]),
        )
        # The kept read was moved out of its dropped month, as the purge had.
        self.assertEqual(self.restored(f"SELECT id FROM {partitions.OTHER}"), [(kept,)])

    def test_it_restores_only_into_an_empty_database(self) -> None:
        target = self.work / "backup"
        call_command("backup", str(target), stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "is not empty: restore into a new"):
            call_command("restore", str(target))
        self.assertEqual(connection.vendor, "postgresql")
