"""The purge ledger: which reads each purge deleted, kept outside the database.

A restored backup holds reads purged since it was taken. The restore reads
this ledger (which no backup contains, and which lives where
PLATEKEEPER_PURGE_LEDGER_DIR says, ideally on other storage than the data)
and deletes them again before the service serves anything (R25: purged data
must not come back).

One file per purge run, named by the run's start; a header line with the
run's reads cutoff, then the deleted read ids, one per line, appended and
flushed to disk batch by batch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class Entry:
    run_id: int
    started_at: datetime
    reads_cutoff: datetime
    read_ids: list[int]


def _path(started_at: datetime, run_id: int) -> Path:
    folder = Path(settings.PURGE_LEDGER_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{started_at.astimezone(UTC):{STAMP}}-{run_id}.ids"


def append(
    started_at: datetime, run_id: int, cutoff: datetime, ids: Iterable[int]
) -> None:
    path = _path(started_at, run_id)
    new = not path.exists()
    with path.open("a") as f:
        if new:
            f.write(f"# reads_cutoff {cutoff.astimezone(UTC).isoformat()}\n")
        f.write("".join(f"{i}\n" for i in ids))
        f.flush()
        os.fsync(f.fileno())


def after(run_id: int) -> Iterator[Entry]:
    """The runs after run `run_id` (the last one a backup saw finish), oldest first."""
    folder = Path(settings.PURGE_LEDGER_DIR)
    if not folder.exists():
        return
    for path in sorted(folder.glob("*.ids")):
        stamp, number = path.stem.split("-")
        if int(number) <= run_id:
            continue
        started = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
        lines = path.read_text().splitlines()
        cutoff = datetime.fromisoformat(lines[0].split()[-1])
        # A line cut short by a crash mid-write is not an id.
        ids = [int(x) for x in lines[1:] if x.strip().isdigit()]
        yield Entry(int(number), started, cutoff, ids)
