"""`maillage ...`: the operator's command line.

Each module of this package that defines `add_commands(subparsers)` adds its subcommands; a
subcommand's `func(args) -> int` returns the exit status. Configuration problems exit with status 2
and one line per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config, ConfigError, load_config
from bot.plugins import modules_with
from storage.db import Database

T = TypeVar("T")

EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maillage",
        description="Maillage: a Telegram + Discord bot that weaves a network of tiers-lieux into one community.",
    )
    parser.add_argument("--config", help="configuration file (default: $MAILLAGE_CONFIG or ./config.toml)")
    parser.add_argument("--demo", action="store_true",
                        help="use the demo's network and database (.maillage/demo.sqlite, made by `maillage demo`) "
                             "instead of --config")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules_with(__name__, "add_commands"):
        module.add_commands(subparsers)
    return parser


def setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # httpx logs every request URL, and Telegram URLs contain the bot token: keep them out of logs.
    for noisy in ("httpx", "httpcore", "telegram.ext._updater", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # python-telegram-bot's own loggers print request URLs (with the token) at DEBUG.
    for tokenish in ("telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(tokenish).setLevel(logging.INFO)


def config_from(args: argparse.Namespace) -> Config:
    """Load the configuration named on the command line (or by MAILLAGE_CONFIG), or the demo's (--demo)."""
    if getattr(args, "demo", False):
        from bot.demo.network import DEMO_DATABASE, demo_config

        if not os.path.exists(DEMO_DATABASE):
            raise ConfigError([f"{DEMO_DATABASE}: no demo here yet; run `maillage demo` in this folder first"],
                              "--demo")
        return demo_config(DEMO_DATABASE)
    return load_config(args.config)


def report_config_error(error: ConfigError) -> int:
    where = f" in {error.source}" if error.source else ""
    print(f"maillage: the configuration has {len(error.problems)} problem(s){where}:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_CONFIG


def run_async(coroutine) -> int:
    return asyncio.run(coroutine)


async def with_database(config: Config, work: Callable[[AsyncSession], Awaitable[T]]) -> T | None:
    """Run `work(session)` in one transaction; a database that was never migrated is explained
    (and None returned) instead of a traceback."""
    db = Database(config.database.url)
    try:
        async with db.session() as session:
            return await work(session)
    except DBAPIError as error:
        print(f"maillage: the database is not ready ({error.orig!s:.120}); run `maillage db upgrade` first",
              file=sys.stderr)
        return None
    finally:
        await db.dispose()


def exit_status_with_database(config: Config, work: Callable[[AsyncSession], Awaitable[int]]) -> int:
    """Run `work(session)` in one transaction and return its exit status (1 if the database failed)."""
    status = run_async(with_database(config, work))
    return 1 if status is None else status


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    # Chats in the terminal keep the screen for the conversation: only warnings are logged there.
    setup_logging(args.verbose or bool(os.environ.get("MAILLAGE_DEBUG")), quiet=getattr(args, "quiet_logs", False))
    try:
        return int(args.func(args) or 0)
    except ConfigError as error:
        return report_config_error(error)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
