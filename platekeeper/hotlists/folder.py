"""Scheduled hot-list refresh from a folder the agency's feeds drop files into.

`PLATEKEEPER_HOTLIST_DIR/hotlists.json` says which file refreshes which list:

    [{"file": "VEHEXTRT.txt", "agency": "CA0194200", "list": "NCIC",
      "layout": "ncic_lpr_extract"}]

A file is loaded when it changed since the list's last refresh and has not
changed for `SETTLE_SECONDS` (a file still being written is left for the next
run). A bad file is reported and the list keeps its entries.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from platekeeper.audit.record import Actor
from platekeeper.hotlists import imports
from platekeeper.hotlists.layouts import Layout
from platekeeper.hotlists.models import HotList
from platekeeper.policy.rules import Rules

logger = logging.getLogger(__name__)
ACTOR = Actor.system("hot-list refresh")
SETTLE_SECONDS = 10.0
CONFIG = "hotlists.json"


class Feed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    agency: str
    list: str
    layout: str


@dataclass
class Outcome:
    feed: Feed
    status: str  # "loaded", "unchanged", "settling", "failed"
    detail: str = ""


def feeds(folder: Path) -> list[Feed]:
    path = folder / CONFIG
    try:
        return TypeAdapter(list[Feed]).validate_json(path.read_bytes())
    except FileNotFoundError:
        raise ValueError(f"no {CONFIG} in {folder}") from None
    except (ValidationError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a valid feed list: {exc}") from exc


def refresh_folder(folder: Path, rules: Rules) -> list[Outcome]:
    return [_one(folder, feed, rules) for feed in feeds(folder)]


def _one(folder: Path, feed: Feed, rules: Rules) -> Outcome:
    path = folder / feed.file
    hot_list = HotList.objects.filter(agency__ori=feed.agency, name=feed.list).first()
    if hot_list is None:
        return Outcome(feed, "failed", f"{feed.agency} has no hot list {feed.list!r}")
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        return Outcome(feed, "failed", f"cannot read {path}: {exc}")
    if time.time() - mtime < SETTLE_SECONDS:
        return Outcome(feed, "settling", "still being written")
    changed = datetime.fromtimestamp(mtime, UTC)
    if hot_list.last_refreshed_at and hot_list.last_refreshed_at >= changed:
        return Outcome(feed, "unchanged")
    try:
        layout = Layout.load(feed.layout)
        with path.open(encoding="utf-8", errors="replace", newline="") as lines:
            report = imports.refresh(hot_list, lines, layout, actor=ACTOR, rules=rules)
    except (ValueError, OSError) as exc:
        logger.error("hot list %s not refreshed from %s: %s", feed.list, path, exc)
        return Outcome(feed, "failed", str(exc))
    return Outcome(
        feed, "loaded", f"{report.loaded} entries, {len(report.bad)} bad lines"
    )
