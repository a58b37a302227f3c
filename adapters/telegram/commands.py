"""The command menus Telegram shows under the "/" button, built from the core's registry.

One list per language (French names with French descriptions, English ones in English: Telegram
picks the list matching each user's app language) and per scope: private chats list the personal
commands, groups the ones that make sense in a shared chat. Commands for animators only are left
out of the menus (they are in /help for those who may use them).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand, BotCommandScope, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.i18n import LOCALES, translate
from bot.registry import Access, Command, Registry, Where

MAX_COMMANDS = 100  # Telegram's limit per list
MAX_DESCRIPTION = 256

_PRIVATE = ({Where.ANY, Where.PRIVATE}, {Access.ANYONE, Access.MEMBER})
_GROUP = ({Where.ANY, Where.GROUP}, {Access.ANYONE, Access.MEMBER, Access.HOST})


@dataclass(frozen=True)
class Menu:
    scope: BotCommandScope
    language_code: str | None  # None: the list for every language without its own
    commands: tuple[BotCommand, ...]


def _commands(registry: Registry, locale: str, rule: tuple[set[Where], set[Access]]) -> tuple[BotCommand, ...]:
    places, accesses = rule
    chosen: list[Command] = [c for c in registry.sorted_commands() if c.where in places and c.access in accesses]
    return tuple(BotCommand(c.name_for(locale), _description(locale, c)) for c in chosen[:MAX_COMMANDS])


def _description(locale: str, command: Command) -> str:
    text = translate(locale, command.summary_key).strip() or command.name
    return text[:MAX_DESCRIPTION]


def menus(registry: Registry, default_locale: str) -> list[Menu]:
    """Every list to publish with set_my_commands: (private, group) x (fr, en, default)."""
    found = []
    for scope, rule in ((BotCommandScopeAllPrivateChats(), _PRIVATE), (BotCommandScopeAllGroupChats(), _GROUP)):
        for locale in LOCALES:
            found.append(Menu(scope, locale, _commands(registry, locale, rule)))
        found.append(Menu(scope, None, _commands(registry, default_locale, rule)))
    return found
