"""`maillage run [--only PART]` and `maillage db upgrade|current|backup|restore`: serve the network;
migrate, back up and restore the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import config_from, run_async
from bot.reference_data import sync_reference_data
from storage.db import Database


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run everything configured: adapters, outbox, scheduler, web",
                                description="Migrate the database, then run the Telegram and Discord adapters, "
                                            "the outbox dispatcher, the scheduler and the web server configured.")
    run.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                     help="start only this part (telegram, discord or web); repeat for several. "
                          "Only the tokens of the platforms started are required")
    run.set_defaults(func=_run)

    db = subparsers.add_parser("db", help="database migrations, backups",
                               description="Database migrations (Alembic), backups and restores.")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_commands.add_parser("upgrade", help="apply every pending migration",
                                description="Apply every pending migration to the configured database.")
    up.set_defaults(func=_upgrade)
    current = db_commands.add_parser("current", help="show the database's revision",
                                     description="Show the revision the database is at, and the latest one.")
    current.set_defaults(func=_current)
    backup = db_commands.add_parser(
        "backup", help="copy the database to a file, safely while the bot runs",
        description="SQLite: copy the database to FILE with SQLite's online backup API (consistent while the "
                    "bot writes). PostgreSQL: print the pg_dump command to use.")
    backup.add_argument("file", metavar="FILE", help="the backup file to create (must not exist)")
    backup.set_defaults(func=_backup)
    restore = db_commands.add_parser(
        "restore", help="replace the database with a backup (stop the bot first)",
        description="SQLite: check FILE (integrity, a Maillage database), then replace the configured database's "
                    "content with it; the bot must be stopped. PostgreSQL: print the pg_restore command.")
    restore.add_argument("file", metavar="FILE", help="a file made by `maillage db backup`")
    restore.add_argument("--yes", action="store_true", help="replace a database that already holds data")
    restore.set_defaults(func=_restore)


PARTS = ("telegram", "discord", "web")
EXIT_NOT_DONE = 2


def _run(args: argparse.Namespace) -> int:
    from bot.app import run_app  # loaded by the command that runs it, not by `maillage --help` (issue 17)

    only = frozenset(args.only) if args.only else None
    platforms = tuple(p for p in ("telegram", "discord") if only is None or p in only)
    config = config_from(args, tokens_for=platforms)
    return run_async(run_app(config, only=only))


def _upgrade(args: argparse.Namespace) -> int:
    config = config_from(args)

    from storage.migrate import current_revisions, upgrade

    async def go() -> int:
        db = Database(config.database.url)
        try:
            await upgrade(db)
            # Reference data belongs to a migrated database: an import before the first `run`
            # resolves skills against the taxonomy, not into custom skills (issue 19.4).
            await sync_reference_data(db, config)
            print(f"database at {', '.join(sorted(await current_revisions(db)))}")
        finally:
            await db.dispose()
        return 0

    return run_async(go())


def _current(args: argparse.Namespace) -> int:
    from storage.migrate import current_revisions, head_revisions

    config = config_from(args)

    async def go() -> int:
        db = Database(config.database.url)
        try:
            current = sorted(await current_revisions(db)) or ["(empty)"]
        finally:
            await db.dispose()
        print(f"current: {', '.join(current)}\nlatest:  {', '.join(sorted(head_revisions()))}")
        return 0

    return run_async(go())


def _backup(args: argparse.Namespace) -> int:
    from storage.backup import BackupError, backup_sqlite, postgres_instructions, sqlite_path

    config = config_from(args)
    database = sqlite_path(config.database.url)
    if database is None:
        print(postgres_instructions(config.database.url, args.file), file=sys.stderr)
        return EXIT_NOT_DONE
    try:
        size = backup_sqlite(database, Path(args.file))
    except BackupError as error:
        print(f"maillage: {error}", file=sys.stderr)
        return 1
    print(f"backed up {database} to {args.file} ({size / 1e6:.1f} MB)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from storage.backup import BackupError, postgres_instructions, restore_sqlite, sqlite_path

    config = config_from(args)
    database = sqlite_path(config.database.url)
    if database is None:
        print(postgres_instructions(config.database.url, args.file, restore=True), file=sys.stderr)
        return EXIT_NOT_DONE
    if database.exists() and database.stat().st_size > 0 and not args.yes:
        print(f"maillage: {database} already holds a database: stop the bot, then run again with --yes to "
              "replace it (a `maillage db backup` of it first is wise)", file=sys.stderr)
        return EXIT_NOT_DONE
    try:
        revision = restore_sqlite(Path(args.file), database)
    except BackupError as error:
        print(f"maillage: {error}", file=sys.stderr)
        return 1
    from storage.migrate import head_revisions

    latest = ", ".join(sorted(head_revisions()))
    hint = "" if revision in head_revisions() else f"; run `maillage db upgrade` (latest: {latest})"
    print(f"restored {args.file} into {database} (revision {revision}){hint}")
    return 0
