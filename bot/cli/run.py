"""`maillage run` and `maillage db ...`: serve the network; migrate the database."""

from __future__ import annotations

import argparse

from bot.cli import config_from, run_async
from storage.db import Database


def _run(args: argparse.Namespace) -> int:
    from bot.app import run_app  # loaded by the command that runs it, not by `maillage --help` (issue 17)

    return run_async(run_app(config_from(args)))


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run everything configured: adapters, outbox, scheduler, web",
                                description="Migrate the database, then run the Telegram and Discord adapters, "
                                            "the outbox dispatcher, the scheduler and the web server configured.")
    run.set_defaults(func=_run)

    db = subparsers.add_parser("db", help="database migrations", description="Database migrations (Alembic).")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_commands.add_parser("upgrade", help="apply every pending migration",
                                description="Apply every pending migration to the configured database.")
    up.set_defaults(func=_upgrade)
    current = db_commands.add_parser("current", help="show the database's revision",
                                     description="Show the revision the database is at, and the latest one.")
    current.set_defaults(func=_current)


def _upgrade(args: argparse.Namespace) -> int:
    config = config_from(args)

    from storage.migrate import current_revisions, upgrade

    async def go() -> int:
        db = Database(config.database.url)
        try:
            await upgrade(db)
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
