"""Issue 15: `maillage db backup` taken while another connection writes restores to a consistent
database; `db restore` checks the file and refuses to overwrite by accident; PostgreSQL says how."""

from __future__ import annotations

import sqlite3
import threading
import time

from cli_helpers import maillage, write_config

WRITE_DEADLINE = 120.0  # seconds: the writer must have committed while the backup ran, even on a loaded machine


def _writer(path, stop: threading.Event, counter: list[int]) -> None:
    """Each transaction writes a member and its identity: a consistent copy has them in pairs."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=30000")
    n = 0
    while not stop.is_set():
        n += 1
        connection.execute("BEGIN IMMEDIATE")
        cursor = connection.execute(
            "INSERT INTO members (display_name, bio, locale, languages, visibility, intro_opt_in, cadence, "
            "created_at, updated_at) VALUES (?, '', 'fr', '[\"fr\"]', 'private', 0, 'biweekly', "
            "'2026-12-01 00:00:00', '2026-12-01 00:00:00')", (f"Writer {n}",))
        connection.execute(
            "INSERT INTO identities (member_id, platform, platform_user_id, display_name, dm_status, created_at, "
            "last_seen_at) VALUES (?, 'memory', ?, '', 'unknown', '2026-12-01 00:00:00', '2026-12-01 00:00:00')",
            (cursor.lastrowid, f"w{n}"))
        connection.execute("COMMIT")
        counter[0] = n
    connection.close()


def test_a_backup_under_writes_restores_to_a_consistent_database(tmp_path):
    write_config(tmp_path)
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    database = tmp_path / "maillage.sqlite"
    stop, counter = threading.Event(), [0]
    writer = threading.Thread(target=_writer, args=(database, stop, counter))
    writer.start()
    try:
        deadline = time.monotonic() + WRITE_DEADLINE
        while counter[0] < 20 and time.monotonic() < deadline:  # writes under way before the backup starts
            time.sleep(0.01)
        before = counter[0]
        result = maillage(["db", "backup", "backups/copy.sqlite"], tmp_path)
        during = counter[0] - before
    finally:
        stop.set()
        writer.join(timeout=WRITE_DEADLINE)
    assert result.returncode == 0, result.stderr
    assert before >= 20 and during > 0  # the backup really ran under writes

    again = maillage(["db", "backup", "backups/copy.sqlite"], tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr  # never overwrites a backup

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    write_config(restored_dir)
    result = maillage(["db", "restore", str(tmp_path / "backups" / "copy.sqlite")], restored_dir)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(restored_dir / "maillage.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        members = connection.execute("SELECT count(*) FROM members WHERE display_name LIKE 'Writer %'").fetchone()[0]
        orphans = connection.execute("SELECT count(*) FROM members m WHERE display_name LIKE 'Writer %' AND NOT "
                                     "EXISTS (SELECT 1 FROM identities i WHERE i.member_id = m.id)").fetchone()[0]
        identities = connection.execute("SELECT count(*) FROM identities WHERE platform = 'memory'").fetchone()[0]
    assert members >= before and members == identities and orphans == 0
    assert maillage(["venues", "list"], restored_dir).returncode == 0  # the restored database serves


def test_restore_refuses_to_replace_data_without_yes_and_refuses_other_files(tmp_path):
    write_config(tmp_path)
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    assert maillage(["db", "backup", "copy.sqlite"], tmp_path).returncode == 0
    refused = maillage(["db", "restore", "copy.sqlite"], tmp_path)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert maillage(["db", "restore", "copy.sqlite", "--yes"], tmp_path).returncode == 0
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    wrong = maillage(["db", "restore", "notes.txt", "--yes"], tmp_path)
    assert wrong.returncode == 1 and "not a Maillage SQLite backup" in wrong.stderr and "Traceback" not in wrong.stderr


def test_postgresql_backups_are_explained_with_pg_dump(tmp_path):
    write_config(tmp_path, database="postgresql+asyncpg://maillage@db.example:5432/maillage")
    result = maillage(["db", "backup", "maillage.dump"], tmp_path)
    assert result.returncode == 2
    assert "pg_dump --host=db.example --port=5432 --username=maillage --format=custom --file=maillage.dump maillage" \
        in result.stderr
    assert "pg_restore" in maillage(["db", "restore", "maillage.dump"], tmp_path).stderr
