"""Benchmarks: each figure is measured beside a baseline from the same run.

The machines this runs on are shared, so absolute times drift; the ratio to a
baseline measured a moment earlier on the same database does not.
"""

from platekeeper.service.bench.audit import audit_group
from platekeeper.service.bench.common import database_figures, free_port, prefill
from platekeeper.service.bench.hotlists import hotlists_group
from platekeeper.service.bench.imports import import_group
from platekeeper.service.bench.ingest import ingest_group
from platekeeper.service.bench.months import month_group
from platekeeper.service.bench.recognition import recognition_group
from platekeeper.service.bench.retention import retention_group
from platekeeper.service.bench.search import search_group

__all__ = [
    "audit_group",
    "database_figures",
    "free_port",
    "hotlists_group",
    "import_group",
    "ingest_group",
    "month_group",
    "prefill",
    "recognition_group",
    "retention_group",
    "search_group",
]
