"""Commands, button actions and conversation steps, declared by the feature modules.

A feature module exposes `register(registry)` and declares what it handles; the core dispatches to
it, the adapters read it to publish command menus (Telegram's set_my_commands, Discord's slash
commands) in both languages. Command names match `^[a-z0-9_]{1,32}$`, legal on both platforms.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot.types import Reply

if TYPE_CHECKING:
    from bot.context import Context  # noqa: F401 (used in string annotations)

COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
ACTION_NAME = re.compile(r"^[a-z0-9_.]{1,16}$")

# A handler answers with one Reply, several in order, or None (nothing to say). It may raise
# `bot.context.Expired` for a stale button; anything else it raises rolls its transaction back and
# the person gets an apology (see BotCore.handle).
Handler = Callable[["Context"], Awaitable[Reply | Sequence[Reply] | None]]


class Access(str, Enum):
    ANYONE = "anyone"  # even someone who has not joined yet
    MEMBER = "member"  # has joined the network
    HOST = "host"  # hosts a venue (or animates the network)
    ANIMATOR = "animator"  # animates the whole network


class Where(str, Enum):
    ANY = "any"
    PRIVATE = "private"  # personal: only in a one-to-one chat with the bot
    GROUP = "group"  # about a shared chat (e.g. binding it to a venue)


@dataclass(frozen=True)
class Command:
    name: str  # English name, e.g. "profile"
    alias: str  # French alias, e.g. "profil" (may equal the name)
    handler: Handler
    summary_key: str  # i18n key of the one-line description
    args_key: str | None = None  # i18n key describing the argument; None when the command takes none
    access: Access = Access.ANYONE
    where: Where = Where.ANY
    complete: str | None = None  # name of a completer for the argument (e.g. "skills", "venues")
    section: str = "general"  # groups commands in /help
    order: int = 100  # position in /help and menus
    in_help: bool = True  # False for a plain alias of another command: /help stays short

    def name_for(self, locale: str) -> str:
        return self.alias if locale == "fr" else self.name


@dataclass(frozen=True)
class Action:
    name: str
    handler: Handler
    access: Access = Access.ANYONE


# A completer suggests values for a command's argument as it is typed (Discord autocomplete):
# `async (ctx: Context, prefix: str) -> [(value, label), ...]`, best first.
Completer = Callable[["Context", str], Awaitable[list[tuple[str, str]]]]


@dataclass(frozen=True)
class PersonalData:
    """One feature's share of what is stored about a member, for /mydata and /forget.

    `export(session, member)` returns JSON-ready data; `erase(session, member, *, config, now)`
    deletes it (or anonymises what must survive as counts), telling others what they must be told
    through the outbox. Both run inside the caller's transaction.
    """

    name: str
    export: Callable[..., Awaitable[Any]]
    erase: Callable[..., Awaitable[None]]


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self._lookup: dict[str, Command] = {}
        self.actions: dict[str, Action] = {}
        self.flows: dict[str, Handler] = {}
        self.completers: dict[str, Completer] = {}
        self.listeners: dict[str, list[Handler]] = {}
        self.personal_data: dict[str, PersonalData] = {}
        self.erasure_hooks: list[Callable[..., Awaitable[None]]] = []

    # -- declaring -------------------------------------------------------------------------
    def command(self, name: str, *, fr: str | None = None, summary: str, args: str | None = None,
                access: Access = Access.ANYONE, where: Where = Where.ANY, complete: str | None = None,
                section: str = "general", order: int = 100, in_help: bool = True) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            command = Command(name, fr or name, handler, summary, args, access, where, complete, section, order,
                              in_help)
            self.add_command(command)
            return handler

        return decorate

    def add_command(self, command: Command) -> None:
        for word in {command.name, command.alias}:
            if not COMMAND_NAME.match(word):
                raise ValueError(f"illegal command name {word!r}: must match {COMMAND_NAME.pattern}")
            if word in self._lookup:
                raise ValueError(f"command name {word!r} declared twice")
            self._lookup[word] = command
        self.commands[command.name] = command

    def action(self, name: str, *, access: Access = Access.ANYONE) -> Callable[[Handler], Handler]:
        if not ACTION_NAME.match(name):
            raise ValueError(f"illegal action name {name!r}")
        if name in self.actions:
            raise ValueError(f"action {name!r} declared twice")

        def decorate(handler: Handler) -> Handler:
            self.actions[name] = Action(name, handler, access)
            return handler

        return decorate

    def flow(self, name: str) -> Callable[[Handler], Handler]:
        """The handler of free text while a person is inside conversation `name`."""
        if name in self.flows:
            raise ValueError(f"flow {name!r} declared twice")

        def decorate(handler: Handler) -> Handler:
            self.flows[name] = handler
            return handler

        return decorate

    def completer(self, name: str) -> Callable[[Completer], Completer]:
        def decorate(function: Completer) -> Completer:
            self.completers[name] = function
            return function

        return decorate

    def listen(self, event: str) -> Callable[[Handler], Handler]:
        """Run on a lifecycle event: "member_joined" (someone joined a group with the bot)."""

        def decorate(handler: Handler) -> Handler:
            self.listeners.setdefault(event, []).append(handler)
            return handler

        return decorate

    def holds_personal_data(self, name: str, *, export: Callable[..., Awaitable[Any]],
                            erase: Callable[..., Awaitable[None]]) -> None:
        if name in self.personal_data:
            raise ValueError(f"personal data {name!r} declared twice")
        self.personal_data[name] = PersonalData(name, export, erase)

    def before_erasure(self, hook: Callable[..., Awaitable[None]]) -> None:
        """Run `hook(session, member, *, config, now)` on /forget before any eraser: the last moment
        the member's rows exist (the report turns their share of the figures into anonymous counts)."""
        self.erasure_hooks.append(hook)

    # -- reading ---------------------------------------------------------------------------
    def resolve(self, word: str) -> Command | None:
        return self._lookup.get(word.lower())

    def all_names(self) -> list[str]:
        return list(self._lookup)

    def sorted_commands(self) -> list[Command]:
        return sorted(self.commands.values(), key=lambda c: (c.order, c.name))


def load_features(modules: Iterable[str], registry: Registry | None = None) -> Registry:
    """Import each named module (a feature, or a capability's `chat` package) and call its `register`.

    The list is explicit (see `bot.app.FEATURES`): what the bot can do is read in one place, and a
    stray module never registers commands by being present.
    """
    registry = registry or Registry()
    for name in modules:
        importlib.import_module(name).register(registry)
    return registry
