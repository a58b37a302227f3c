"""`maillage run [--only PART]` and `maillage db ...`: serve the network; migrate the database."""

from __future__ import annotations

import argparse

from bot.app import run_app
from bot.cli import config_from, run_async
from bot.reference_data import sync_reference_data
from storage.db import Database
from storage.migrate import current_revisions, head_revisions, upgrade


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


PARTS = ("telegram", "discord", "web")


def _run(args: argparse.Namespace) -> int:
    only = frozenset(args.only) if args.only else None
    platforms = tuple(p for p in ("telegram", "discord") if only is None or p in only)
    config = config_from(args, tokens_for=platforms)
    return run_async(run_app(config, only=only))


def _upgrade(args: argparse.Namespace) -> int:
    config = config_from(args)

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
