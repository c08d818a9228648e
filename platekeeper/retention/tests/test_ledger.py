"""The purge ledger read back by a restore: whole lines only (R25)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import SimpleTestCase, override_settings

from platekeeper.retention import ledger

STARTED = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
CUTOFF = datetime(2025, 12, 7, tzinfo=UTC)
NOVEMBER = ledger.MonthGone(
    datetime(2024, 11, 1, tzinfo=UTC), datetime(2024, 12, 1, tzinfo=UTC), frozenset()
)


class LedgerTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.enterContext(override_settings(PURGE_LEDGER_DIR=self.folder))

    def file(self) -> Path:
        [path] = self.folder.glob("*.ids")
        return path

    @pytest.mark.requirement("R25")
    def test_it_reads_back_ids_and_months_with_what_they_kept(self) -> None:
        october = ledger.MonthGone(
            datetime(2024, 10, 1, tzinfo=UTC),
            datetime(2024, 11, 1, tzinfo=UTC),
            frozenset({17, 4}),
        )
        ledger.append_month(STARTED, 9, CUTOFF, october)
        ledger.append_month(STARTED, 9, CUTOFF, NOVEMBER)
        ledger.append(STARTED, 9, CUTOFF, [101, 102])
        [entry] = ledger.after(8)
        self.assertEqual(
            (entry.run_id, entry.reads_cutoff, entry.read_ids, entry.months),
            (9, CUTOFF, [101, 102], [october, NOVEMBER]),
        )
        self.assertEqual(list(ledger.after(9)), [])  # the backup saw run 9 finish

    def test_it_leaves_out_an_id_cut_short_by_a_crash(self) -> None:
        ledger.append(STARTED, 9, CUTOFF, [101, 102])
        with self.file().open("a") as f:
            f.write("1234")  # of 123456, when the machine stopped
        [entry] = ledger.after(0)
        self.assertEqual(entry.read_ids, [101, 102])

    def test_it_refuses_a_month_line_cut_short(self) -> None:
        ledger.append(STARTED, 9, CUTOFF, [101])
        with self.file().open("a") as f:
            f.write(
                "# month 2024-11-01T00:00:00+00:00 2024-12-01T00:00:00+00:00 kept 4,1"
            )
        with self.assertRaisesMessage(ledger.LedgerDamaged, "a month line cut short"):
            list(ledger.after(0))
