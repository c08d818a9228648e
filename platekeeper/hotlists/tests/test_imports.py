"""Hot-list files (R36, R37, R39) and staleness (R27)."""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from platekeeper.hotlists import actions, imports
from platekeeper.hotlists.layouts import Layout
from platekeeper.hotlists.models import Alert, Entry, HotList
from platekeeper.test import BaseTestCase

from .helpers import HotListWorld

# The FBI extract's shape: list code, NIC, incident date, plate, state, vehicle.
NCIC = """HEADER LINE OF THE EXTRACT
V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK
P223456789LA057020020190510 7-ABC 123  CA2015TOYTCAMRWHI
Z323456789LA057020020190511BAD0001   CA
I423456789LA057020020190512IMM0001   CA2012HONDCIV BLK
V523456789LA0570200201913XXGOOD002   CA
"""


class HotListImportTestCase(HotListWorld, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_lists()
        self.ncic = actions.create_list(
            self.hawthorne,
            "NCIC",
            HotList.Source.NCIC,
            actor=self.admin,
            refresh_hours=12,
            cji_source="clets",
        )

    def load(
        self, hot_list: HotList, text: str, layout: str = "ncic_lpr_extract"
    ) -> imports.Report:
        return imports.refresh(
            hot_list,
            StringIO(text),
            Layout.load(layout),
            actor=self.admin,
            rules=self.policy.parsed,
        )

    @pytest.mark.requirement("R36")
    def test_it_loads_the_good_lines_and_reports_the_bad_by_number(self) -> None:
        report = self.load(self.ncic, NCIC)
        self.assertEqual(report.loaded, 3)
        self.assertEqual(
            report.bad,
            [
                (4, "unknown code 'Z'"),
                (6, "entered_on: '201913XX' is not a date (%Y%m%d)"),
            ],
        )
        plates = dict(
            Entry.objects.filter(hot_list=self.ncic).values_list("plate", "category")
        )
        self.assertEqual(
            plates,
            {
                "AB123456": "stolen_vehicle",
                "7ABC123": "stolen_plate",
                "IMM0001": "immigration_violator",
            },
        )
        entry = Entry.objects.get(plate="AB123456")
        self.assertEqual((entry.state, entry.record_id), ("CA", "123456789"))
        self.assertEqual(entry.vehicle, "BLK 2009 YAMA CYL")

    def test_it_never_alerts_on_an_immigration_violator_record_in_california(
        self,
    ) -> None:
        self.load(self.ncic, NCIC)
        self.post_read("IMM0001")
        self.post_read("7ABC123")
        alerted = set(Alert.objects.values_list("hit__plate", flat=True))
        self.assertEqual(alerted, {"7ABC123"})

    @pytest.mark.requirement("R36")
    def test_it_loads_a_new_layout_from_configuration_alone(self) -> None:
        # A state's own NCIC-style extract: plate first, then state, list code last.
        layout = {
            "name": "state_extract",
            "kind": "fixed",
            "skip_prefixes": ["#"],
            "fields": {
                "plate": {"start": 0, "end": 9},
                "state": {"start": 9, "end": 11},
                "category": {
                    "start": 11,
                    "end": 12,
                    "map": {"S": "stolen_vehicle", "W": "wanted_person"},
                },
                "record_id": {"start": 12},
            },
        }
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "state_extract.json"
            path.write_text(json.dumps(layout))
            data = Path(folder) / "extract.txt"
            data.write_text("# state extract\n4XYZ 789 NVSN1234\n5QRS111  NVWN5678\n")
            out = StringIO()
            call_command(
                "import_hotlist",
                "NCIC",
                str(data),
                "--agency",
                "CA0194200",
                "--layout",
                str(path),
                stdout=out,
            )
        self.assertIn("2 entries loaded, 0 bad", out.getvalue())
        self.assertEqual(
            set(
                Entry.objects.filter(hot_list=self.ncic).values_list(
                    "plate", "state", "category"
                )
            ),
            {("4XYZ789", "NV", "stolen_vehicle"), ("5QRS111", "NV", "wanted_person")},
        )

    def test_it_replaces_a_system_list_on_refresh_and_a_clear_lasts_until_then(
        self,
    ) -> None:
        self.load(
            self.svs,
            "HEADER\n7ABC123 CA0120260101\n8DEF456 CA0120260102\n",
            "ca_clew_svs",
        )
        entry = Entry.objects.get(plate="7ABC123", retired_at=None)
        actions.clear_entry(entry, actor=self.admin, reason="recovered by HPD")
        self.post_read("7ABC123", event="before")
        self.assertFalse(Alert.objects.exists())
        self.load(
            self.svs, "HEADER\n7ABC123 CA0120260101\nTOTAL RECORDS 1\n", "ca_clew_svs"
        )
        self.assertEqual(
            list(
                Entry.objects.filter(hot_list=self.svs, retired_at=None).values_list(
                    "plate", flat=True
                )
            ),
            ["7ABC123"],
        )
        self.post_read("7ABC123", event="after")
        self.assertEqual(Alert.objects.count(), 1)

    @pytest.mark.requirement("R39")
    def test_it_refuses_person_details_on_a_list_that_is_not_cji(self) -> None:
        csv_text = "plate,state,category,name,dob\n7ABC123,CA,wanted_person,JOHN DOE,1980-01-01\n"
        with self.assertRaisesMessage(imports.Refused, "only a list classified CJI"):
            self.load(self.svs, csv_text, "csv")
        self.assertFalse(Entry.objects.filter(hot_list=self.svs).exists())
        report = self.load(self.ncic, csv_text, "csv")
        self.assertEqual(report.loaded, 1)
        self.assertEqual(
            Entry.objects.get(hot_list=self.ncic).details["dob"], "1980-01-01"
        )

    @pytest.mark.requirement("R37")
    def test_it_keeps_partial_plates_out_of_ncic(self) -> None:
        self.entry(self.major, "7AB?12", category="major_crime")
        self.entry(self.major, "7ABC123", category="major_crime")
        out = StringIO()
        call_command(
            "hotlist",
            "export-ncic",
            "Major crimes",
            "--agency",
            "CA0194200",
            stdout=out,
        )
        self.assertIn("7ABC123", out.getvalue())
        self.assertNotIn("7AB?12", out.getvalue())
        report = self.load(self.ncic, "plate,category\n7AB?12,stolen_vehicle\n", "csv")
        self.assertEqual(
            report.bad, [(2, "partial plate on a list that is not the agency's own")]
        )

    @pytest.mark.requirement("R27")
    def test_it_shows_a_list_not_refreshed_on_schedule_as_stale(self) -> None:
        self.load(self.svs, "HEADER\n7ABC123 CA0120260101\n", "ca_clew_svs")
        HotList.objects.filter(pk=self.svs.pk).update(
            last_refreshed_at=timezone.now() - timedelta(hours=25)
        )
        page = self.login(self.olivia).get("/alerts/")
        self.assertContains(page, "Stale hot list: Stolen vehicles")
        out = StringIO()
        call_command("hotlist", "show", "--agency", "CA0194200", stdout=out)
        self.assertIn("Stolen vehicles\tsvs\t1 entries STALE", out.getvalue())

    def test_it_names_the_built_in_layouts_for_an_unknown_one(self) -> None:
        with self.assertRaisesMessage(
            CommandError, "built in: ca_clew_svs, csv, ncic_lpr_extract"
        ):
            call_command(
                "hotlist",
                "import",
                "NCIC",
                "/dev/null",
                "--agency",
                "CA0194200",
                "--layout",
                "nope",
                stdout=StringIO(),
            )
