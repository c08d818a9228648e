"""Daily anchors: the chain's head, written outside the table.

A hash chain shows an entry altered in place, but not a whole chain rewritten
from some point on with fresh hashes. Once a day the head (id and hash) is
appended to `audit-anchors.jsonl` in the data directory, a file the database
cannot rewrite; `verify_audit` checks that every anchored entry still carries
the anchored hash. Copy the file off the machine (the daily report) and a
rewrite is detectable even by someone who controls both.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from platekeeper.audit.models import AccessRecord

FILE = "audit-anchors.jsonl"


def path() -> Path:
    return Path(settings.DATA_DIR) / FILE


def write(now: datetime) -> dict[str, Any] | None:
    """Append today's anchor (None for an empty log)."""
    head = AccessRecord.objects.order_by("-id").values("id", "code", "hash").first()
    if head is None:
        return None
    anchor = {
        "at": now.isoformat(),
        "id": head["id"],
        "code": str(head["code"]),
        "hash": head["hash"],
    }
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as f:
        f.write(json.dumps(anchor) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return anchor


def broken() -> str | None:
    """The first anchor the log no longer matches, described; None when all hold."""
    try:
        lines = path().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for number, line in enumerate(lines, start=1):
        try:
            anchor = json.loads(line)
            anchored_id, anchored_hash = int(anchor["id"]), str(anchor["hash"])
        except (ValueError, KeyError, TypeError):
            return f"anchor line {number} is not an anchor"
        now = (
            AccessRecord.objects.filter(id=anchored_id)
            .values_list("hash", flat=True)
            .first()
        )
        if now is None:
            return f"entry {anchored_id}, anchored {anchor.get('at')}, is gone"
        if now != anchored_hash:
            return f"entry {anchored_id}, anchored {anchor.get('at')}, was rewritten"
    return None
