"""`maillage ...`: the operator's command line.

Each module of this package that defines `add_commands(subparsers)` adds its subcommands; a
subcommand's `func(args) -> int` returns the exit status. Configuration problems exit with status 2
and one line per problem, never a traceback.

Start-up is kept short (issue 17: any command under a second): `COMMANDS` says which module adds
each command, so `maillage match ...` imports the match module alone and `maillage --help` lists
the commands without importing any; the database and configuration libraries are imported when a
command needs them. A command missing from `COMMANDS` still works (every module is then imported);
a test keeps the table true.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shlex
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

from bot.plugins import modules_with
from bot.text import terminal_safe_output

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Config

T = TypeVar("T")

EXIT_CONFIG = 2


# Command word -> (module of this package that adds it, its one-line help for `maillage --help`).
COMMANDS: dict[str, tuple[str, str]] = {
    "campaign": ("campaign", "campaigns: list, create, preview, stats, pause, resume, cancel, stop"),
    "console": ("console", "chat with the bot in this terminal"),
    "demo": ("console", "a seeded demo network in a local SQLite file, and a terminal chat"),
    "doctor": ("doctor", "check the installation: config, database, tokens, webhook, web port, time zone, feeds"),
    "events": ("events", "the programme: list it, export it as ICS"),
    "feeds": ("feeds", "calendar feeds: sync now, show their health"),
    "import": ("imports", "import venues or members from CSV files"),
    "match": ("match", "matchmaking rounds: preview (--dry-run), run (--run), stats"),
    "members": ("members", "imported members and their claim codes"),
    "outbox": ("outbox", "messages whose send outcome is unknown"),
    "report": ("report", "the network's report for funders (HTML, CSV or JSON)"),
    "run": ("run", "run everything configured: adapters, outbox, scheduler, web"),
    "db": ("run", "database migrations, backups"),
    "skills": ("skills", "the skills taxonomy and members' custom skills"),
    "venues": ("venues", "the venues and their join links"),
    "wall": ("wall", "the live wall: its URLs, and hiding items"),
}
LISTING = "--help"
"""`build_parser(only=LISTING)`: the top-level help only (commands listed, none imported)."""
_VALUED = ("--config", "--log-format")  # the global options that take a value


def command_word(argv: Sequence[str]) -> str | None:
    """The command named on a command line (None when there is none); LISTING for a top-level
    `--help`, which comes before any command."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return LISTING
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return LISTING if not argv else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command, or (`only`) the one command named (its module
    alone is imported), or LISTING: the top-level help."""
    parser = argparse.ArgumentParser(
        prog="maillage",
        description="Maillage: a Telegram + Discord bot that weaves a network of tiers-lieux into one community.",
    )
    parser.add_argument("--config", help="configuration file (default: $MAILLAGE_CONFIG or ./config.toml)")
    parser.add_argument("--demo", action="store_true",
                        help="use the demo's network and database (.maillage/demo.sqlite, made by `maillage demo`) "
                             "instead of --config")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--log-format", choices=("text", "json"), default=os.environ.get("MAILLAGE_LOG_FORMAT", "text"),
                        help="text (default) or json: one JSON object per line, for log shippers "
                             "(or MAILLAGE_LOG_FORMAT)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only == LISTING:
        for name, (_module, text) in COMMANDS.items():
            subparsers.add_parser(name, help=text, add_help=False)
    elif only in COMMANDS:
        import_module(f"{__name__}.{COMMANDS[only][0]}").add_commands(subparsers)
    else:
        for module in modules_with(__name__, "add_commands"):
            module.add_commands(subparsers)
    return parser


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(verbose: bool = False, quiet: bool = False, log_format: str = "text") -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter() if log_format == "json"
                         else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if quiet and not verbose:  # a chat in the terminal: the audit trail is for a server's logs, not the chat
        handler.addFilter(lambda record: record.name != "maillage.audit")
    logging.basicConfig(level=level, handlers=[handler])
    # httpx logs every request URL, and Telegram URLs contain the bot token: keep them out of logs.
    for noisy in ("httpx", "httpcore", "telegram.ext._updater", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # python-telegram-bot's own loggers print request URLs (with the token) at DEBUG.
    for tokenish in ("telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(tokenish).setLevel(logging.INFO)


def config_from(args: argparse.Namespace, tokens_for: tuple[str, ...] = ()) -> Config:
    """Load the configuration named on the command line (or by MAILLAGE_CONFIG), or the demo's
    (--demo); `tokens_for` names the platforms the command connects to, whose tokens must then be set."""
    from bot.config import ConfigError, load_config

    if getattr(args, "demo", False):
        from bot.demo.network import DEMO_DATABASE, demo_config

        if not os.path.exists(DEMO_DATABASE):
            raise ConfigError([f"{DEMO_DATABASE}: no demo here yet; run `maillage demo` in this folder first"],
                              "--demo")
        return demo_config(DEMO_DATABASE)
    return load_config(args.config, tokens_for=tokens_for)


# Commands that migrate and sync the reference data themselves (`run`, `db`), use their own database
# (`demo`, `console`) or must not write (`doctor`). Every other one sees the config's venues, feeds
# and the skills taxonomy in the database before it starts.
SYNCS_ITSELF = frozenset({"run", "db", "demo", "console", "doctor"})


async def sync_reference_data_for(config: Config) -> str | None:
    """Bring the config's venues and feeds and the taxonomy into the database; returns why the
    database is not ready instead (never migrated, unreachable), for one clear line."""
    from bot.reference_data import sync_reference_data
    from storage.db import Database
    from storage.migrate import not_ready_reason

    db = Database(config.database.url)
    try:
        reason = await not_ready_reason(db)
        if reason is None:
            await sync_reference_data(db, config)
        return reason
    finally:
        await db.dispose()


def report_config_error(error) -> int:
    """One line per problem of a `bot.config.ConfigError`, exit status 2."""
    where = f" in {error.source}" if error.source else ""
    print(f"maillage: the configuration has {len(error.problems)} problem(s){where}:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_CONFIG


def upgrade_command(args: argparse.Namespace | None = None) -> str:
    """The `db upgrade` command for the database this command line names (its --demo or --config)."""
    if args is not None and getattr(args, "demo", False):
        return "maillage --demo db upgrade"
    if args is not None and getattr(args, "config", None):
        return f"maillage --config {shlex.quote(args.config)} db upgrade"
    return "maillage db upgrade"


def run_async(coroutine) -> int:
    return asyncio.run(coroutine)


async def with_database(config: Config, work: Callable[[AsyncSession], Awaitable[T]]) -> T | None:
    """Run `work(session)` in one transaction; a database that was never migrated is explained
    (and None returned) instead of a traceback."""
    from sqlalchemy.exc import DBAPIError

    from storage.db import Database

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
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(command_word(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from bot.config import ConfigError

    # Chats in the terminal keep the screen for the conversation: only warnings are logged there.
    setup_logging(args.verbose or bool(os.environ.get("MAILLAGE_DEBUG")), quiet=getattr(args, "quiet_logs", False),
                  log_format=args.log_format)
    try:
        with terminal_safe_output():  # names and texts from members cannot drive the operator's terminal
            if args.command not in SYNCS_ITSELF:
                reason = run_async(sync_reference_data_for(config_from(args)))
                if reason is not None:
                    print(f"maillage: the database is not ready ({reason}); run `{upgrade_command(args)}` first",
                          file=sys.stderr)
                    return 1
            return int(args.func(args) or 0)
    except ConfigError as error:
        return report_config_error(error)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
