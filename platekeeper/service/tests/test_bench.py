"""The benchmark groups run and print their keys (tiny sizes; timings never asserted)."""

from __future__ import annotations

import os
from io import StringIO
from unittest import mock

from django.core.management import call_command

from platekeeper.service import bench
from platekeeper.service.tests.test_serve import database_url
from platekeeper.test import LiveTestCase


class BenchTestCase(LiveTestCase):
    def test_it_runs_every_group_built_so_far(self) -> None:
        bench.prefill(2000, log=lambda _: None)
        opts = {
            "ingest_reads": 1500,
            "import_rows": 1200,
            "hotlist_entries": 5000,
            "search_samples": 10,
            "audit_records": 3000,
        }
        figures = bench.search_group(opts)
        figures |= bench.import_group(opts)
        figures |= bench.audit_group(opts)
        call_command("verify_audit", stdout=StringIO())  # the generated chain holds
        # The ingest group's server is a child process: point it at this test database.
        with mock.patch.dict(os.environ, {"DATABASE_URL": database_url()}):
            figures |= bench.ingest_group(opts)
            figures |= bench.hotlists_group(opts)
        for key in (
            "search_exact_p50_ms",
            "search_exact_sql_p50_ms",
            "search_misread_p50_ms",
            "search_wildcard_p50_ms",
            "search_one_off_sql_p50_ms",
            "search_canvass_p50_ms",
            "search_canvass_sql_p50_ms",
            "import_csv_reads_per_s",
            "import_plain_insert_reads_per_s",
            "ingest_api_reads_per_s",
            "ingest_plain_insert_reads_per_s",
            "match_reads_per_s",
            "audit_report_records",
            "match_bare_set_lookup_per_s",
            "matcher_memory_mb",
            "alert_latency_p50_ms",
            "alert_ingest_post_p50_ms",
        ):
            self.assertGreater(figures[key], 0, key)
