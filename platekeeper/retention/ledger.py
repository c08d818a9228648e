"""The purge ledger: which reads each purge deleted, kept outside the database.

A restored backup holds reads purged since it was taken. The restore reads
this ledger (which no backup contains, and which lives where
PLATEKEEPER_PURGE_LEDGER_DIR says, ideally on other storage than the data)
and deletes them again before the service serves anything (R25: purged data
must not come back).

One file per purge run, named by the run's start; a header line with the
run's reads cutoff, then the deleted read ids, one per line, appended and
flushed to disk batch by batch. A month dropped whole on PostgreSQL is one
line instead of its millions of ids: the month's span and the reads it kept
(`# month START END kept ID,ID,… .`); the closing dot tells a whole line
from one cut short, and a restore refuses to guess at one cut short.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

STAMP = "%Y%m%dT%H%M%S%fZ"
MONTH = "# month"


class LedgerDamaged(Exception):
    """A line of the ledger that cannot be read as written: the restore stops."""


@dataclass(frozen=True)
class MonthGone:
    """A month dropped whole: every read captured in [start, end) went, but `kept`."""

    start: datetime
    end: datetime
    kept: frozenset[int]


@dataclass(frozen=True)
class Entry:
    run_id: int
    started_at: datetime
    reads_cutoff: datetime
    read_ids: list[int]
    months: list[MonthGone] = field(default_factory=list)


def _path(started_at: datetime, run_id: int) -> Path:
    folder = Path(settings.PURGE_LEDGER_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{started_at.astimezone(UTC):{STAMP}}-{run_id}.ids"


def append(
    started_at: datetime, run_id: int, cutoff: datetime, ids: Iterable[int]
) -> None:
    _write(started_at, run_id, cutoff, "".join(f"{i}\n" for i in ids))


def append_month(
    started_at: datetime, run_id: int, cutoff: datetime, gone: MonthGone
) -> None:
    kept = ",".join(str(i) for i in sorted(gone.kept)) or "-"
    span = f"{gone.start.astimezone(UTC).isoformat()} {gone.end.astimezone(UTC).isoformat()}"
    _write(started_at, run_id, cutoff, f"{MONTH} {span} kept {kept} .\n")


def _write(started_at: datetime, run_id: int, cutoff: datetime, text: str) -> None:
    path = _path(started_at, run_id)
    new = not path.exists()
    with path.open("a") as f:
        if new:
            f.write(f"# reads_cutoff {cutoff.astimezone(UTC).isoformat()}\n")
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _month(line: str, path: Path) -> MonthGone:
    parts = line.split()
    if len(parts) != 7 or parts[4] != "kept" or parts[6] != ".":
        raise LedgerDamaged(
            f"{path}: a month line cut short ({line[:80]!r}): the reads that month "
            "kept are not known, so the restore stops rather than guess. Without "
            "the line, the purge that follows the restore decides by the restored holds."
        )
    kept = frozenset(int(i) for i in parts[5].split(",") if i != "-")
    return MonthGone(
        datetime.fromisoformat(parts[2]), datetime.fromisoformat(parts[3]), kept
    )


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
        text = path.read_text()
        lines = text.split("\n")
        cutoff = datetime.fromisoformat(lines[0].split()[-1])
        # The last line of a file that does not end in a newline was cut short
        # by a crash mid-write: its digits may be part of another read's id.
        # (A month line says itself whether it is whole.)
        body = lines[1:-1]
        if lines[-1].startswith(MONTH):
            body.append(lines[-1])
        ids = [int(x) for x in body if x.isdigit()]
        months = [_month(x, path) for x in body if x.startswith(MONTH)]
        yield Entry(int(number), started, cutoff, ids, months)
