"""The scheduled refresh from the agency's drop folder."""

from __future__ import annotations

import json
import os
import tempfile
import time
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings

from platekeeper.hotlists import folder
from platekeeper.hotlists.models import Entry
from platekeeper.test import BaseTestCase

from .helpers import HotListWorld

SVS = "HEADER\n7ABC123 CA0120260101\n8DEF456 CA0120260102\nTOTAL RECORDS 2\n"


class FolderRefreshTestCase(HotListWorld, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_lists()
        self.dir = Path(tempfile.mkdtemp(prefix="pk-hotlists-"))
        (self.dir / "hotlists.json").write_text(
            json.dumps(
                [
                    {
                        "file": "svs.tbl",
                        "agency": "CA0194200",
                        "list": "Stolen vehicles",
                        "layout": "ca_clew_svs",
                    }
                ]
            )
        )
        self.file = self.dir / "svs.tbl"
        self.file.write_text(SVS)
        old = time.time() - 60
        os.utime(self.file, (old, old))

    def run_job(self) -> str:
        out = StringIO()
        with override_settings(HOTLIST_DIR=str(self.dir)):
            call_command("refresh_hotlists", stdout=out)
        return out.getvalue()

    def test_it_loads_a_changed_file_once(self) -> None:
        self.assertIn(
            "Stolen vehicles: loaded (2 entries, 0 bad lines)", self.run_job()
        )
        self.assertIn("Stolen vehicles: unchanged", self.run_job())
        self.assertEqual(
            Entry.objects.filter(hot_list=self.svs, retired_at=None).count(), 2
        )

    def test_it_leaves_a_file_still_being_written_for_the_next_run(self) -> None:
        self.file.write_text(SVS[:20])  # the feed is mid-copy
        self.assertIn("settling", self.run_job())
        self.assertFalse(Entry.objects.exists())

    def test_it_reports_a_missing_file_and_keeps_the_list(self) -> None:
        self.file.unlink()
        with self.assertRaisesMessage(CommandError, "not refreshed"):
            self.run_job()

    def test_it_refuses_a_broken_feed_list(self) -> None:
        (self.dir / "hotlists.json").write_text('[{"file": 1}]')
        with self.assertRaises(ValueError):
            folder.feeds(self.dir)
