"""Backup and restore (R25): everything comes back except what was purged since."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from platekeeper.reads import blobs
from platekeeper.retention import purge
from platekeeper.retention.models import HeldRead, Hold
from platekeeper.service import backup
from platekeeper.test import JPEG_BYTES, LiveTestCase


def platekeeper(data_dir: Path, ledger: Path, *args: str) -> str:
    env = {
        **os.environ,
        "PLATEKEEPER_DATA_DIR": str(data_dir),
        "PLATEKEEPER_PURGE_LEDGER_DIR": str(ledger),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "platekeeper", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class BackupScenario(LiveTestCase):
    """What both databases' restore tests start from: a fresh read, an expired
    one and a held one, each with an image; a backup; then the hold released
    and the purge taking both old reads."""

    work: Path

    def read_with_image(self, plate: str, days_old: int) -> int:
        digest = blobs.put(JPEG_BYTES + plate.encode())
        read = self.make_read(
            plate,
            captured_at=timezone.now() - timedelta(days=days_old),
            plate_image=digest,
        )
        return read.id

    def held_read_with_image(self, plate: str, days_old: int) -> tuple[int, Hold]:
        """A read with an image, held for trial by an approved hold of its own."""
        read = self.read_with_image(plate, days_old)
        hold = Hold.objects.create(
            agency=self.hawthorne,
            case_number=f"HPD-{plate}",
            evidence_item=plate,
            requester="DA",
            reason="trial",
            review_on=date.today() + timedelta(days=90),
            status=Hold.Status.APPROVED,
            placed_by=self.dave,
        )
        HeldRead.objects.create(
            hold=hold,
            read_id=read,
            captured_at=timezone.now() - timedelta(days=days_old),
        )
        return read, hold

    def backed_up_then_purged(self) -> int:
        """The fresh read's id."""
        fresh = self.read_with_image("5NEW111", 1)
        self.read_with_image("3OLD222", 800)  # expired, not yet purged
        _, hold = self.held_read_with_image("4HLD333", 900)
        call_command("backup", str(self.work / "backup"), stdout=StringIO())
        # After the backup: the hold is released and the purge takes both old reads.
        Hold.objects.filter(pk=hold.pk).update(
            status=Hold.Status.RELEASED, released_at=timezone.now()
        )
        self.assertEqual(purge.run().reads, 2)
        return fresh


@pytest.mark.requirement("R25")
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL is backed up with pg_dump (docs/deploy.md)",
)
class BackupTestCase(BackupScenario):
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

    def test_it_restores_everything_but_what_was_purged_since(self) -> None:
        fresh = self.backed_up_then_purged()

        restored = self.work / "restored"
        out = platekeeper(restored, self.ledger, "restore", str(self.work / "backup"))
        self.assertIn("2 reads deleted since the backup", out)
        platekeeper(restored, self.ledger, "verify_audit")  # the chain verifies

        db = backup._open(restored / "platekeeper.sqlite3")  # keyed, if the database is
        ids = {r[0] for r in db.execute("SELECT id FROM reads_plateread")}
        self.assertEqual(ids, {fresh})  # purged after the backup: still gone
        fresh_image = db.execute("SELECT plate_image FROM reads_plateread").fetchone()[
            0
        ]
        self.assertTrue(
            (
                restored / "images" / fresh_image[:2] / fresh_image[2:4] / fresh_image
            ).exists()
        )
        self.assertEqual(
            len([p for p in (restored / "images").rglob("*") if p.is_file()]), 1
        )
        versions = db.execute("SELECT COUNT(*) FROM policy_policyversion").fetchone()[0]
        self.assertGreaterEqual(versions, 1)
        records = db.execute("SELECT COUNT(*) FROM audit_accessrecord").fetchone()[0]
        self.assertGreater(records, 1)
        made = db.execute(
            "SELECT COUNT(*) FROM audit_accessrecord WHERE action = 'backup'"
        ).fetchone()[0]
        self.assertEqual(made, 1)  # the backup holds the record of its making

    def test_it_refuses_to_restore_with_a_damaged_ledger_before_changing_anything(
        self,
    ) -> None:
        target = self.work / "backup"
        call_command("backup", str(target), stdout=StringIO())
        self.ledger.mkdir(parents=True, exist_ok=True)
        (self.ledger / "20261207T030000000000Z-999.ids").write_text(
            "# reads_cutoff 2025-12-07T00:00:00+00:00\n"
            "# month 2024-11-01T00:00:00+00:00 2024-12-01T00:00:00+00:00 kept 4,"
        )
        # Refused first: this database is not empty either, and that refusal,
        # which comes with the copying, is not the one given.
        with self.assertRaisesMessage(CommandError, "a month line cut short"):
            call_command("restore", str(target))

    def test_it_backs_up_into_a_new_folder_and_restores_only_into_an_empty_one(
        self,
    ) -> None:
        target = self.work / "backup"
        call_command("backup", str(target), stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "not empty"):
            call_command("backup", str(target))
        with self.assertRaisesMessage(CommandError, "exists: restore into an empty"):
            call_command("restore", str(target))
        with self.assertRaisesMessage(CommandError, "not a Platekeeper backup"):
            call_command("restore", str(self.work))
