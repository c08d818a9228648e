"""Structured logs for the agency's collector (issue 13)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

from django.test import SimpleTestCase

PROBE = """
import os, django, logging
os.environ["DJANGO_SETTINGS_MODULE"] = "platekeeper.settings"
django.setup()
log = logging.getLogger("platekeeper.probe")
log.warning("disk %s", "low")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("failed")
"""


class LogsTestCase(SimpleTestCase):
    def test_it_writes_one_json_object_a_line_when_asked(self) -> None:
        data = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, data, True)
        env = {
            **os.environ,
            "PLATEKEEPER_LOG_FORMAT": "json",
            "PLATEKEEPER_DATA_DIR": data,
        }
        err = subprocess.run(
            [sys.executable, "-c", PROBE],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        self.assertEqual(
            [(x["level"], x["logger"], x["message"]) for x in lines],
            [
                ("WARNING", "platekeeper.probe", "disk low"),
                ("ERROR", "platekeeper.probe", "failed"),
            ],
        )
        self.assertIn("ZeroDivisionError", lines[1]["exception"])
