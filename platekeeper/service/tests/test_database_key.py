"""The SQLite file encrypted with SQLCipher when a database key is set (R45)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.test import SimpleTestCase

KEY = "5e" * 32
STORE = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "platekeeper.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from platekeeper.reads.models import Plate
Plate.objects.create(**Plate.fields_for("7ZQX123"))
from django.db import connection
connection.close()
"""
COUNT = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "platekeeper.settings"
django.setup()
from platekeeper.reads.models import Plate
print(Plate.objects.filter(plate="7ZQX123").count())
"""


@pytest.mark.requirement("R45")
@pytest.mark.no_database
class DatabaseKeyTestCase(SimpleTestCase):
    def run_with(
        self, script: str, key: str | None
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PLATEKEEPER_DATA_DIR": str(self.data)}
        env.pop("DATABASE_URL", None)
        env.pop("PLATEKEEPER_DATABASE_KEY", None)
        if key:
            env["PLATEKEEPER_DATABASE_KEY"] = key
        return subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True
        )

    def setUp(self) -> None:
        self.data = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.data, True)

    def test_it_keeps_no_plate_in_plain_text_in_the_database_file(self) -> None:
        self.assertEqual(self.run_with(STORE, KEY).returncode, 0)
        for path in self.data.glob("platekeeper.sqlite3*"):
            self.assertNotIn(b"7ZQX123", path.read_bytes(), path.name)
        self.assertEqual(self.run_with(COUNT, KEY).stdout.strip(), "1")
        without = self.run_with(COUNT, None)
        self.assertNotEqual(without.returncode, 0)
        self.assertIn("file is not a database", without.stderr)
        wrong = self.run_with(COUNT, "00" * 32)
        self.assertIn("file is not a database", wrong.stderr)

    def test_it_stores_plates_in_plain_text_without_a_key(self) -> None:
        # The control: the same steps without a key leave the plate readable.
        self.assertEqual(self.run_with(STORE, None).returncode, 0)
        found = b"".join(p.read_bytes() for p in self.data.glob("platekeeper.sqlite3*"))
        self.assertIn(b"7ZQX123", found)
