"""`platekeeper backup` and `restore` for the embedded SQLite deployment.

A backup is a folder: the database copied page by page with SQLite's online
backup (consistent while ingest goes on), the image and document stores, and
`manifest.json`. A restore copies them into an empty data directory and,
before anything can serve them, deletes again every read a purge deleted
after the backup (the purge ledger, kept outside backups), then runs the
purge for whatever expired since (R25). PostgreSQL: docs/deploy.md.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

DATABASE = "platekeeper.sqlite3"
MANIFEST = "manifest.json"
STORES = (("images", "IMAGES_DIR"), ("documents", "DOCUMENTS_DIR"))


class BackupError(Exception):
    pass


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        raise BackupError(
            "this database is PostgreSQL: back it up with pg_dump (docs/deploy.md) "
            "and copy the image store beside it"
        )


def _open(path: Path) -> Any:
    """A connection of the live database's kind: SQLCipher, keyed alike, when
    the database is encrypted (the copy stays encrypted under the same key)."""
    key = settings.DATABASES["default"].get("OPTIONS", {}).get("cipher_key")
    if key:
        from platekeeper.lib.sqlcipher.base import connect

        return connect(str(path), key)
    return sqlite3.connect(path)


def backup(dest: Path) -> dict[str, Any]:
    _sqlite_only()
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    from platekeeper.audit.models import Action
    from platekeeper.audit.record import Actor, Entry, record_access
    from platekeeper.retention.models import PurgeRun

    taken_at = timezone.now()
    # A backup reads every read and image: recorded first, like any access
    # (and so the backup holds the record of its own making).
    record_access(Actor.system("backup"), Entry(Action.BACKUP, {"folder": str(dest)}))
    connection.ensure_connection()
    target = _open(dest / DATABASE)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    # Read from the copy: what the backup holds, not what the live database
    # holds a moment later.
    copy = _open(dest / DATABASE)
    try:
        last_run = copy.execute(
            f"SELECT MAX(id) FROM {PurgeRun._meta.db_table} WHERE finished_at IS NOT NULL"
        ).fetchone()[0]
    finally:
        copy.close()
    files = 0
    for name, setting in STORES:
        source = Path(getattr(settings, setting))
        if source.exists():
            shutil.copytree(
                source, dest / name, ignore=shutil.ignore_patterns(".tmp-*")
            )
            files += sum(1 for p in (dest / name).rglob("*") if p.is_file())
    manifest = {
        "format": 1,
        "taken_at": taken_at.isoformat(),
        "last_purge_run": last_run or 0,
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(source: Path) -> dict[str, Any]:
    """Into this (empty) data directory; the caller runs `reapply_purges` next."""
    _sqlite_only()
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: not a Platekeeper backup")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    database = Path(settings.DATABASES["default"]["NAME"])
    if database.exists() and database.stat().st_size > 0:
        raise BackupError(
            f"{database} exists: restore into an empty data directory "
            "(move the current one aside first)"
        )
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy2(source / DATABASE, database)
    for name, setting in STORES:
        if (source / name).exists():
            shutil.copytree(
                source / name, Path(getattr(settings, setting)), dirs_exist_ok=True
            )
    return manifest


def reapply_purges(manifest: dict[str, Any]) -> dict[str, int]:
    """Delete again what purges after the backup deleted; then purge what has
    expired since. Returns the counts."""
    from platekeeper.audit.models import Action
    from platekeeper.audit.record import Actor, Entry, record_access
    from platekeeper.retention import ledger, purge
    from platekeeper.retention.models import Horizon, PurgeRun

    entries = list(ledger.after(int(manifest["last_purge_run"])))
    run = PurgeRun.objects.create(
        started_at=timezone.now(),
        policy_version=None,
        reads_cutoff=max((e.reads_cutoff for e in entries), default=timezone.now()),
    )
    if entries:
        # The guard lets the purge delete only before the horizon; these reads
        # were before the horizon of the run that deleted them.
        Horizon.objects.update_or_create(
            pk=1, defaults={"reads_before": max(e.reads_cutoff for e in entries)}
        )
    for entry in entries:
        purge.reapply(run, entry.read_ids)
    run.finished_at = timezone.now()
    run.save()
    record_access(
        Actor.system("restore"),
        Entry(
            Action.PURGE,
            {
                "restore_of_backup_taken_at": manifest["taken_at"],
                "purge_runs_reapplied": len(entries),
                "reads": run.reads,
                "images": run.images,
            },
        ),
    )
    later = purge.run()
    return {"reapplied_reads": run.reads, "then_purged_reads": later.reads}
