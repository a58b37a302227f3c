"""Slash commands generated from the core's registry, in English with French localisations.

Each registry command becomes one `app_commands.Command`: its English name, its French alias as
`name_localizations["fr"]`, its summary in both languages, and, when it takes an argument, one
optional text option (named after the argument's help text when that is a plain word, else
"text"/"texte"), with autocomplete when the command declares a completer. Discord shows each
person the language of their client. Commands about a shared chat (`Where.GROUP`, e.g.
/link_venue) are offered in servers only. Nothing is decided here: the callback hands the
interaction to `Handlers.on_command`, and the core checks access as for any platform.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.i18n import translate
from bot.registry import Command, Registry, Where

if TYPE_CHECKING:
    from adapters.discord.handlers import Handlers

MAX_DESCRIPTION = 100
OPTION_NAME = re.compile(r"^[\w-]{1,32}$")
DEFAULT_OPTION = {"en": "text", "fr": "texte"}


class CatalogueTranslator(app_commands.Translator):
    """Gives Discord the French strings carried by each `locale_str` (built from the catalogues)."""

    async def translate(self, string: locale_str, locale: discord.Locale, context) -> str | None:
        if locale is discord.Locale.french:
            return string.extras.get("fr")
        return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 1] + "…"


def _both(key: str) -> locale_str:
    return locale_str(_short(translate("en", key)) or "-", fr=_short(translate("fr", key)) or "-")


def option_name(args_text: str, locale: str) -> str:
    """"[command]" -> "command"; anything that is not one word -> "text" (or "texte")."""
    word = args_text.strip().strip("[]<>()").strip().lower().replace(" ", "_")
    return word if OPTION_NAME.match(word) and not word.startswith("-") else DEFAULT_OPTION[locale]


def slash_command(command: Command, handlers: "Handlers") -> app_commands.Command:
    """The Discord command for one registry command."""
    if command.args_key is None:
        async def run(interaction: discord.Interaction) -> None:
            await handlers.on_command(interaction, command, "")
    else:
        async def run(interaction: discord.Interaction, text: str | None = None) -> None:  # type: ignore[misc]
            await handlers.on_command(interaction, command, text or "")

        en, fr = translate("en", command.args_key), translate("fr", command.args_key)
        run = app_commands.rename(text=locale_str(option_name(en, "en"), fr=option_name(fr, "fr")))(run)
        run = app_commands.describe(text=locale_str(_short(en) or "-", fr=_short(fr) or "-"))(run)
    contexts = app_commands.AppCommandContext(guild=True, dm_channel=command.where is not Where.GROUP)
    slash = app_commands.Command(name=locale_str(command.name, fr=command.alias), description=_both(command.summary_key),
                                 callback=run, allowed_contexts=contexts, extras={"maillage": command.name})
    if command.args_key is not None and command.complete:
        async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return await handlers.autocomplete(interaction, command, current)

        slash.autocomplete("text")(complete)
    return slash


def add_commands(tree: app_commands.CommandTree, registry: Registry, handlers: "Handlers") -> int:
    """Put every registry command in the tree; returns how many."""
    tree.clear_commands(guild=None)
    for command in registry.sorted_commands():
        tree.add_command(slash_command(command, handlers))
    return len(registry.commands)
