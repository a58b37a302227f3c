"""Backups of the SQLite database, consistent while the bot writes, and their restore.

SQLite's online backup API (`sqlite3.Connection.backup`) copies the database page by page from a
read transaction: with WAL, writers go on meanwhile and the copy is the database as of one commit.
PostgreSQL has its own tools (`pg_dump` / `pg_restore`); `postgres_instructions` says how.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import SQLITE_BUSY_TIMEOUT_MS

PAGES_PER_STEP = -1  # the whole database in one step: one snapshot, however busy the writers are


class BackupError(Exception):
    """What went wrong, in a sentence for the operator."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def backup_sqlite(database: Path, target: Path) -> int:
    """Copy `database` to `target` (which must not exist); returns the target's size in bytes."""
    if not database.is_file():
        raise BackupError(f"{database}: no such database file")
    if target.exists():
        raise BackupError(f"{target}: already exists (choose a new file name)")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        source.close()
    return target.stat().st_size


def check_backup(path: Path) -> str:
    """The backup's migration revision, after checking it is a sound Maillage database."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"{path}: damaged SQLite file ({verdict})")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a Maillage SQLite backup ({error})") from None
    if row is None:
        raise BackupError(f"{path}: not a Maillage database (no migration revision)")
    return row[0]


def restore_sqlite(backup: Path, database: Path) -> str:
    """Replace `database`'s content with `backup`'s (checked first); returns the backup's revision.

    Written through the backup API into the live file, so the -wal and -shm files stay coherent;
    the bot must be stopped (its open transactions would otherwise see the floor move).
    """
    revision = check_backup(backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
    finally:
        source.close()
    return revision


def postgres_instructions(url: str, target: str, restore: bool = False) -> str:
    parsed = make_url(url)
    flags = [f"--host={parsed.host or 'localhost'}", f"--port={parsed.port or 5432}",
             f"--username={parsed.username or 'postgres'}"]
    if restore:
        command = ["pg_restore", *flags, "--clean", "--if-exists", f"--dbname={parsed.database}", target]
        return ("PostgreSQL is restored with its own tool, the bot stopped (the password is asked, or taken "
                f"from PGPASSWORD):\n  {shlex.join(command)}\nthen `maillage db upgrade` if the backup is older.")
    command = ["pg_dump", *flags, "--format=custom", f"--file={target}", parsed.database or ""]
    return ("PostgreSQL is backed up with its own tool, consistent while the bot runs (the password is asked, "
            f"or taken from PGPASSWORD):\n  {shlex.join(command)}")
