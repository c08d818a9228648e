from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import timezone

from platekeeper.reads.models import PlateRead
from platekeeper.test import BaseTestCase

HEADER = "event_id,camera,plate,confidence,captured_at,state,latitude,longitude,vehicle_make\n"


class ImportReadsTestCase(BaseTestCase):
    def write(self, name: str, text: str | bytes) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="pk-import-"))
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    def run_import(self, path: Path, *args: str) -> str:
        out = StringIO()
        call_command("import_reads", str(path), "--no-progress", *args, stdout=out)
        return out.getvalue()

    def when(self, minutes: int = 10) -> str:
        return (timezone.now() - timedelta(minutes=minutes)).isoformat()

    def test_it_imports_csv_and_reports_bad_lines_by_number(self) -> None:
        cam = self.camera.name
        path = self.write(
            "backfill.csv",
            HEADER
            + "".join(
                [
                    f"e1,{cam},7ABC123,0.91,{self.when()},CA,33.9,-118.3,Toyota\n",
                    f"e2,{cam},---,0.91,{self.when()},CA,,,\n",  # line 3: no plate
                    f"e3,{cam},8XYZ999,high,{self.when()},CA,,,\n",  # line 4: confidence
                    f"e4,Nowhere cam,8XYZ999,0.9,{self.when()},CA,,,\n",  # line 5: camera
                    "e5,only,three\n",  # line 6: columns
                    f"e6,{cam},5DEF456,0.88,{self.when()},,,,\n",
                ]
            ),
        )
        out = self.run_import(path)
        self.assertIn("6 lines: 2 stored, 0 already there, 4 bad", out)
        for number, why in [
            (3, "plate"),
            (4, "confidence"),
            (5, "Nowhere cam"),
            (6, "columns"),
        ]:
            self.assertRegex(out, rf"line {number}: .*{why}")
        read = PlateRead.objects.get(plate__plate="7ABC123")
        self.assertEqual(
            (read.vehicle_make, read.latitude, read.source_format),
            ("Toyota", 33.9, "import"),
        )

    def test_it_imports_a_file_twice_without_duplicates(self) -> None:
        path = self.write(
            "reads.csv",
            "plate,confidence,captured_at\n"
            f"7ABC123,0.9,{self.when(5)}\n7ABC124,0.9,{self.when(4)}\n",
        )
        self.run_import(path, "--camera", self.camera.name)
        out = self.run_import(path, "--camera", self.camera.name)
        self.assertIn("2 lines: 0 stored, 2 already there, 0 bad", out)
        self.assertEqual(PlateRead.objects.count(), 2)

    def test_it_imports_jsonl_and_keeps_going_past_a_half_written_last_line(
        self,
    ) -> None:
        good = json.dumps(
            {
                "event_id": "j1",
                "plate": "7ABC123",
                "confidence": 0.9,
                "captured_at": self.when(),
            }
        )
        path = self.write("reads.jsonl", good + "\n[1, 2]\n" + good[:25])
        out = self.run_import(path, "--camera", self.camera.name)
        self.assertIn("3 lines: 1 stored, 0 already there, 2 bad", out)
        self.assertIn("line 2: not a JSON object", out)
        self.assertIn("line 3: not JSON", out)

    def test_it_reports_bytes_that_are_not_text(self) -> None:
        path = self.write(
            "reads.csv", b"plate,confidence,captured_at\n\xff\xfe,0.9,x\n"
        )
        out = self.run_import(path, "--camera", self.camera.name)
        self.assertIn("line 2: not UTF-8 text", out)

    def test_it_writes_every_bad_line_to_the_report(self) -> None:
        path = self.write(
            "reads.csv", "plate,confidence,captured_at\n" + "-,0.9,x\n" * 60
        )
        report = path.with_name("bad.txt")
        out = self.run_import(
            path, "--camera", self.camera.name, "--report", str(report)
        )
        self.assertIn("10 more in", out)
        self.assertEqual(len(report.read_text().splitlines()), 60)

    def test_it_refuses_an_unknown_camera_or_missing_file(self) -> None:
        with self.assertRaises(CommandError):
            self.run_import(self.write("x.csv", "plate\n"), "--camera", "Nope")
        with self.assertRaises(CommandError):
            self.run_import(Path("/nonexistent/reads.csv"))
