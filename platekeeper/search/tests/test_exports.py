"""Exports (R15): CSV and PDF, each a recorded access carrying its purpose."""

from __future__ import annotations

import re
import zlib

import pytest
from django.test import Client

from platekeeper.audit.models import Action
from platekeeper.test import BaseTestCase

QUERY = {
    "plate": "7AB*",
    "match": "partial",
    "purpose": "criminal_investigation",
    "case_number": "HPD-26-0700",
    "kind": "search",
}


def pdf_text(data: bytes) -> str:
    """The text of a PDF's content streams (fpdf2 compresses them with zlib)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            out.append(stream.decode("latin-1"))
    return "".join(out)


class ExportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.reads = [self.make_read("7ABC123"), self.make_read("7ABD999")]

    @pytest.mark.requirement("R15")
    def test_it_exports_csv_with_its_purpose_and_records_one_access(self) -> None:
        response = self.login(self.dave).post(
            "/search/export", {**QUERY, "format": "csv"}
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = response.content.decode()
        first = text.splitlines()[0]
        for part in ("purpose: criminal_investigation", "case: HPD-26-0700", "dave"):
            self.assertIn(part, first)
        self.assertIn("7ABC123", text)
        self.assertIn("7ABD999", text)
        [record] = self.access_records(action=Action.EXPORT)
        self.assertEqual(
            (record.criteria["plate"], record.criteria["export"], record.case_number),
            ("7AB*", "csv", "HPD-26-0700"),
        )
        self.assertEqual(set(record.result_ids), {r.id for r in self.reads})
        self.assertIn(str(record.code), first)
        self.assertEqual(self.access_records(action=Action.SEARCH), [])

    @pytest.mark.requirement("R15")
    def test_it_puts_the_purpose_on_every_page_of_a_pdf(self) -> None:
        for n in range(120):  # enough rows for several pages
            self.make_read(f"7AB{n:04d}")
        response = self.login(self.dave).post(
            "/search/export", {**QUERY, "format": "pdf"}
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertGreater(text.count("case: HPD-26-0700"), 1)  # more than one page
        self.assertEqual(
            text.count("purpose: criminal_investigation"),
            text.count("case: HPD-26-0700"),
        )
        [record] = self.access_records(action=Action.EXPORT)
        self.assertEqual(record.criteria["export"], "pdf")

    def test_it_refuses_an_export_to_an_officer_and_records_it(self) -> None:
        response = self.login(self.olivia).post(
            "/search/export", {**QUERY, "format": "csv"}
        )
        self.assertEqual(response.status_code, 403)
        [record] = self.access_records(action=Action.SEARCH)
        self.assertEqual((record.outcome, record.criteria["export"]), ("denied", "csv"))

    def test_it_exports_a_canvass(self) -> None:
        from django.utils import timezone

        data = {
            "kind": "canvass",
            "format": "csv",
            "purpose": "major_incident_canvass",
            "case_number": "HPD-26-0701",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "minutes_before": "120",
            "minutes_after": "0",
            "latitude": "33.9165",
            "longitude": "-118.3527",
            "radius_m": "500",
        }
        for read in self.reads:
            read.latitude, read.longitude = 33.9165, -118.3527
            read.save()
        response = self.login(self.dave).post("/search/export", data)
        self.assertIn("7ABC123", response.content.decode())
        [record] = self.access_records(action=Action.EXPORT)
        self.assertEqual(record.criteria["kind"], "canvass")

    def test_it_needs_sign_in(self) -> None:
        self.assertEqual(
            Client().post("/search/export", {**QUERY, "format": "csv"}).status_code, 302
        )
