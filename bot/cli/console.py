"""`maillage console` and `maillage demo`: chat with the bot in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING

from adapters.console import PLATFORM, ConsoleAdapter
from bot.cli import EXIT_CONFIG, config_from, run_async
from bot.config import Config
from bot.demo import persona
from bot.demo.network import DEMO_CONFIG, DEMO_DATABASE, demo_config  # noqa: F401 (DEMO_CONFIG: for tests)
from bot.demo.welcome import held_for_others, last_outbox_id, last_with_buttons, note_last_input, welcome_lines
from bot.events.render import format_when
from bot.i18n import Translator, normalize_locale
from bot.types import UserRef

if TYPE_CHECKING:  # `maillage --help` must not load the whole bot (issue 17)
    from bot.application import App

DEMO_MEMBER = "Camille Martin"
FILES_DIR = ".maillage/files"


class NoChoice(Exception):
    """`--as` named nobody exactly and no choice could be made (script mode): exit 2."""


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
                    "a terminal chat with the bot as one of its members. Messages for another member wait "
                    "for a session as that member. Other commands work on the demo's data with "
                    "`maillage --demo COMMAND ...` (e.g. `maillage --demo events list`).")
    _common(demo, default_member=DEMO_MEMBER)
    demo.add_argument("--database", default=DEMO_DATABASE, help=f"SQLite file (default: {DEMO_DATABASE})")
    demo.add_argument("--fresh", action="store_true",
                      help="start again from a newly seeded network (its members speak --lang, French by default)")
    demo.set_defaults(func=lambda args: run_async(_demo(args)), quiet_logs=True)


def _common(parser: argparse.ArgumentParser, default_member: str | None = None) -> None:
    parser.add_argument("--as", dest="as_name", default=default_member, metavar="NAME",
                        help="chat as the member with exactly this name (accents and case aside); close names "
                             "are offered to choose from; a name nobody has is a newcomer"
                             + (f" (default: {default_member})" if default_member else ""))
    parser.add_argument("--new", action="store_true", help="NAME is a newcomer, even if a member has a close name")
    parser.add_argument("--lang", choices=("fr", "en"), default=None,
                        help="the language of the session: the member's choice from now on (as with /language)")
    parser.add_argument("--files", default=FILES_DIR, metavar="DIR",
                        help=f"where files the bot sends (/mydata) are written (default: {FILES_DIR})")
    parser.add_argument("--script", action="store_true", default=None,
                        help="script mode even on a terminal (default: when stdin is not a terminal)")


async def _demo(args: argparse.Namespace) -> int:
    from bot.demo.seed import seed_demo

    path = Path(args.database)
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return await _console(demo_config(str(path)), args, seed=seed_demo)


async def _console(config: Config, args: argparse.Namespace, seed=None) -> int:
    from bot.app import build_app

    script = args.script if args.script is not None else not sys.stdin.isatty()
    language = args.lang or config.network.default_locale
    app = await build_app(config)
    try:
        if seed is not None:
            created = await seed(app, locale=language)
            if created and not script:
                print(Translator(language)("console.seeded", summary=created))
        try:
            user, names = await _console_user(app, args, language, script)
        except NoChoice:
            return EXIT_CONFIG
        locale = await _session_locale(app, user)
        adapter = ConsoleAdapter(user, colour=None if not script else False, names=names, locale=locale,
                                 files_dir=Path(args.files))
        adapter.command = "maillage demo" if seed is not None else "maillage console"
        adapter.now = app.clock.now
        app.add_adapter(adapter)
        await adapter.start(app.core)
        dispatcher = app.dispatcher
        assert dispatcher is not None
        dispatcher.only_for[PLATFORM] = user.user_id  # the others' messages wait for their own session
        t = Translator(locale)
        if not script:
            adapter.note(t("console.banner", network=config.network.name))
        async with app.db.session() as session:
            for line in await welcome_lines(session, config, user, app.clock.now(), locale):
                adapter.note(line)
            earlier = await last_with_buttons(session, user, app.clock.now())
        await dispatcher.drain()
        resumed = await app.core.resume(user)
        adapter.show_all(resumed)
        if earlier is not None and not resumed and not adapter.buttons:  # nothing newer to answer
            sent_at, reply = earlier
            sent_at = sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=ZoneInfo("UTC"))  # SQLite: naive UTC
            adapter.note(t("console.earlier_buttons", when=format_when(sent_at, config.network.timezone, locale,
                                                                       app.clock.now())))
            adapter.show(reply)
        adapter.after_each = await _say_who_waits(app, adapter, user)
        try:
            if script:
                await adapter.run_script(sys.stdin, dispatcher)
                return 0
            stop = asyncio.Event()
            task = asyncio.create_task(dispatcher.run_forever(stop))
            try:
                await adapter.run_interactive(t("console.other_sessions", command=adapter.command))
            finally:
                stop.set()
                dispatcher.wake.set()
                await task
            return 0
        finally:
            if adapter.last_input_at is not None:
                async with app.db.session() as session:
                    await note_last_input(session, user, adapter.last_input_at)
    finally:
        await app.close()


async def _say_who_waits(app: App, adapter: ConsoleAdapter, user: UserRef):
    """After each line: a note for each message just queued for someone else, that waits for them."""
    async with app.db.session() as session:
        seen = await last_outbox_id(session)

    async def note() -> None:
        nonlocal seen
        async with app.db.session() as session:
            names, seen = await held_for_others(session, PLATFORM, user.user_id, seen)
        for name in names:
            adapter.note(adapter.t("console.for_someone_else", name=name, command=adapter.command))

    return note


async def _session_locale(app: App, user: UserRef) -> str:
    """The language the core will answer this person in."""
    from storage.identities import find_identity

    async with app.db.session() as session:
        identity = await find_identity(session, user.platform, user.user_id)
        if identity is None:
            return normalize_locale(user.language, app.config.network.default_locale)
        return app.core.locale_of(identity, user.language)


async def _console_user(app: App, args: argparse.Namespace, language: str,
                        script: bool) -> tuple[UserRef, dict[str, str]]:
    """The person to chat as: a member with exactly that name, one chosen from close names, or a newcomer."""
    name = " ".join((args.as_name or "Invité").split())
    t = Translator(language)
    async with app.db.session() as session:
        names = await persona.console_names(session)
        found = await persona.look_up(session, name)
        if args.new:
            if found.exact is not None:
                print(t("console.new_but_exists", name=found.exact.name), file=sys.stderr)
                raise NoChoice
            return await persona.newcomer_user(session, name, args.lang), names
        if found.exact is not None:
            return await persona.member_user(session, found.exact.member_id, args.lang), names
        if not found.close:
            return await persona.newcomer_user(session, name, args.lang), names
        chosen = _choose(t, name, found.close, script)
        if chosen is None:
            return await persona.newcomer_user(session, name, args.lang), names
        return await persona.member_user(session, chosen.member_id, args.lang), names


def _choose(t: Translator, name: str, close: list[persona.Candidate], script: bool) -> persona.Candidate | None:
    """Ask which of the close names was meant (or a newcomer: None); in script mode, say how to be exact."""
    print(t("console.not_found", name=name), file=sys.stderr if script else sys.stdout)
    if script:
        for candidate in close:
            print(f"  {candidate.name}", file=sys.stderr)
        print(t("console.choose_script", example=close[0].name, name=name), file=sys.stderr)
        raise NoChoice
    print(t("console.choose", name=name))
    options: list[persona.Candidate | None] = [*close, None]
    for number, option in enumerate(options, 1):
        print(f"  [{number}] {option.name if option else t('console.choose_newcomer', name=name)}")
    while True:
        answer = input("> ").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        print(t("console.choose_again", count=len(options)))
