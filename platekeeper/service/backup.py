"""`platekeeper backup` and `restore`, for SQLite and PostgreSQL.

A backup is a folder: the database (SQLite: copied page by page with SQLite's
online backup; PostgreSQL: `pg_dump`, one snapshot), both consistent while
ingest goes on, the image and document stores, and `manifest.json`. A restore
copies them into an empty data directory (PostgreSQL: an empty database) and,
before anything can serve them, deletes again every read a purge deleted
after the backup (the purge ledger, kept outside backups), then runs the
purge for whatever expired since (R25).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

DATABASE = "platekeeper.sqlite3"
DUMP = "platekeeper.pgdump"
MANIFEST = "manifest.json"
STORES = (("images", "IMAGES_DIR"), ("documents", "DOCUMENTS_DIR"))


class BackupError(Exception):
    pass


def _open(path: Path) -> Any:
    """A connection of the live database's kind: SQLCipher, keyed alike, when
    the database is encrypted (the copy stays encrypted under the same key)."""
    key = settings.DATABASES["default"].get("OPTIONS", {}).get("cipher_key")
    if key:
        from platekeeper.lib.sqlcipher.base import connect

        return connect(str(path), key)
    return sqlite3.connect(path)


def backup(dest: Path) -> dict[str, Any]:
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    from platekeeper.audit.models import Action
    from platekeeper.audit.record import Actor, Entry, record_access

    taken_at = timezone.now()
    # A backup reads every read and image: recorded first, like any access
    # (and so the backup holds the record of its own making).
    record_access(Actor.system("backup"), Entry(Action.BACKUP, {"folder": str(dest)}))
    if connection.vendor == "postgresql":
        last_run = _dump(dest)
    else:
        last_run = _copy_sqlite(dest)
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
        "database": connection.vendor,
        "taken_at": taken_at.isoformat(),
        "last_purge_run": last_run or 0,
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def _copy_sqlite(dest: Path) -> int | None:
    """Copy the database; return the last purge run the copy saw finish."""
    from platekeeper.retention.models import PurgeRun

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
        found: int | None = copy.execute(
            f"SELECT MAX(id) FROM {PurgeRun._meta.db_table} WHERE finished_at IS NOT NULL"
        ).fetchone()[0]
        return found
    finally:
        copy.close()


def _dump(dest: Path) -> int | None:
    """pg_dump the database; return the last purge run finished before it began.

    Read before the dump's snapshot, so a run finishing meanwhile counts as
    after the backup: a restore deletes its reads again, which is harmless if
    the dump already lacks them. Read after, a run the dump did not see could
    be taken as included, and its reads would come back."""
    from platekeeper.retention.models import PurgeRun

    last_run = (
        PurgeRun.objects.filter(finished_at__isnull=False)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    _pg_tool(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-comments",
        f"--file={dest / DUMP}",
    )
    return last_run


def _pg_tool(*args: str) -> None:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
        "PGDATABASE": str(db["NAME"]),
    }
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client "
            "(Debian: postgresql-client) of the server's version or newer"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def restore(source: Path) -> dict[str, Any]:
    """Into this (empty) data directory or database; the caller runs
    `reapply_purges` next."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: not a Platekeeper backup")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    # A damaged purge ledger stops the restore before it changes anything.
    from platekeeper.retention import ledger

    list(ledger.after(int(manifest["last_purge_run"])))
    kind = manifest.get("database", "sqlite")
    if kind != connection.vendor:
        raise BackupError(
            f"this backup is of a {kind} database and DATABASE_URL names "
            f"{connection.vendor}: restore it into the same kind"
        )
    if kind == "postgresql":
        _restore_dump(source)
    else:
        _restore_sqlite(source)
    for name, setting in STORES:
        if (source / name).exists():
            shutil.copytree(
                source / name, Path(getattr(settings, setting)), dirs_exist_ok=True
            )
    return manifest


def _restore_sqlite(source: Path) -> None:
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


def _restore_dump(source: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"
        )
        if cursor.fetchone()[0]:
            raise BackupError(
                f"database {settings.DATABASES['default']['NAME']} is not empty: "
                "restore into a new, empty database"
            )
    connection.close()
    _pg_tool(
        "pg_restore",
        "--no-owner",
        "--no-comments",
        "--exit-on-error",
        "--dbname",
        settings.DATABASES["default"]["NAME"],
        str(source / DUMP),
    )


def reapply_purges(manifest: dict[str, Any]) -> dict[str, int]:
    """Delete again what purges after the backup deleted; then purge what has
    expired since. Returns the counts."""
    from platekeeper.audit.models import Action
    from platekeeper.audit.record import Actor, Entry, record_access
    from platekeeper.retention import ledger, months, purge
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
        for month in entry.months:
            months.reapply(run, month)
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
