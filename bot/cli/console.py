"""`maillage console` and `maillage demo`: chat with the bot in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import unicodedata
from typing import TYPE_CHECKING
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import select

from adapters.console import PLATFORM, ConsoleAdapter
from bot.cli import config_from, run_async
from bot.config import Config, DatabaseConfig, load_config
from bot.types import UserRef
from storage.models import Identity, Member

if TYPE_CHECKING:  # `maillage --help` must not load the whole bot (issue 17)
    from bot.application import App

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "demo" / "demo.toml"
DEMO_DATABASE = ".maillage/demo.sqlite"
DEMO_MEMBER = "Camille Martin"


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    console = subparsers.add_parser(
        "console", help="chat with the bot in this terminal",
        description="Chat with the bot in this terminal, as a member of the configured network. With stdin "
                    "not a terminal, reads one message per line ('press N' presses button N) and prints "
                    "every reply, without colours.")
    _common(console)
    console.set_defaults(func=lambda args: run_async(_console(config_from(args), args)), quiet_logs=True)

    demo = subparsers.add_parser(
        "demo", help="a seeded demo network in a local SQLite file, and a terminal chat",
        description=f"Create (once) a demo network of venues and members in {DEMO_DATABASE}, then open "
                    "a terminal chat with the bot as one of its members.")
    _common(demo, default_member=DEMO_MEMBER)
    demo.add_argument("--database", default=DEMO_DATABASE, help=f"SQLite file (default: {DEMO_DATABASE})")
    demo.add_argument("--fresh", action="store_true", help="start again from a newly seeded network")
    demo.set_defaults(func=lambda args: run_async(_demo(args)), quiet_logs=True)


def _common(parser: argparse.ArgumentParser, default_member: str | None = None) -> None:
    parser.add_argument("--as", dest="as_name", default=default_member, metavar="NAME",
                        help="chat as this member (closest name wins); a name nobody has is a newcomer"
                             + (f" (default: {default_member})" if default_member else ""))
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="the language your 'platform' reports")
    parser.add_argument("--script", action="store_true", default=None,
                        help="script mode even on a terminal (default: when stdin is not a terminal)")


async def _demo(args: argparse.Namespace) -> int:
    from bot.demo.seed import seed_demo

    path = Path(args.database)
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    config = load_config(DEMO_CONFIG, environ={})  # the demo ignores MAILLAGE_DATABASE_URL on purpose
    config = _with_database(config, f"sqlite+aiosqlite:///{path}")
    return await _console(config, args, seed=seed_demo)


def _with_database(config: Config, url: str) -> Config:
    import dataclasses

    return dataclasses.replace(config, database=DatabaseConfig(url=url))


async def _console(config: Config, args: argparse.Namespace, seed=None) -> int:
    from bot.app import build_app

    script = args.script if args.script is not None else not sys.stdin.isatty()
    app = await build_app(config)
    try:
        if seed is not None:
            created = await seed(app)
            if created and not script:
                print(f"Seeded a demo network: {created}.")
        user, names = await _console_user(app, args.as_name or "Invité", args.lang)
        adapter = ConsoleAdapter(user, colour=None if not script else False, names=names)
        app.add_adapter(adapter)
        await adapter.start(app.core)
        assert app.dispatcher is not None
        if script:
            await adapter.run_script(sys.stdin, app.dispatcher)
            return 0
        stop = asyncio.Event()
        task = asyncio.create_task(app.dispatcher.run_forever(stop))
        banner = (f"{config.network.name} — terminal chat as {user.display_name}. Type /aide (or /help), "
                  "a number to press a button, 'quit' to leave.")
        try:
            await adapter.run_interactive(banner)
        finally:
            stop.set()
            await task
        return 0
    finally:
        await app.close()


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "guest"


async def _console_user(app: App, name: str, language: str) -> tuple[UserRef, dict[str, str]]:
    """The console identity to chat as: an existing member's (closest name) or a newcomer's."""
    async with app.db.session() as session:
        members = list((await session.execute(select(Member.id, Member.display_name))).all())
        identities = list((await session.execute(select(Identity).where(Identity.platform == PLATFORM))).scalars())
        names = {i.platform_user_id: i.display_name for i in identities}
        found = process.extractOne(name, {m.id: m.display_name for m in members}, scorer=fuzz.WRatio, score_cutoff=85)
        if found is None:
            user_id = _slug(name)
            return UserRef(PLATFORM, user_id, name, None, language), names
        display, _score, member_id = found
        identity = next((i for i in identities if i.member_id == member_id), None)
        if identity is None:
            identity = Identity(member_id=member_id, platform=PLATFORM, platform_user_id=_slug(display),
                                display_name=display, handle=_slug(display), dm_status="open")
            session.add(identity)
            names[identity.platform_user_id] = display
        return UserRef(PLATFORM, identity.platform_user_id, display, identity.handle, language), names
