"""What arrives from Discord, handed to the core: slash commands, button presses, answers, DMs.

Every entry point turns the Discord object into a neutral event (convert.py), awaits
`core.handle(event)` and renders the replies (respond.py for interactions, a plain send for DMs).

Conversations: in a DM the next answer is simply the person's next message (Discord delivers the
content of DMs to bots without the privileged message-content intent). In a server the bot cannot
read messages, so while the core says the person's next text is awaited (`Replies.awaits_text`)
the bot's answer carries an "Answer" button that opens a form (a modal); what they type there
reaches the conversation the same way.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from adapters.discord import completion
from adapters.discord.convert import (
    answer_event, button_event, command_event, dm_event, is_ephemeral_message, locale_code,
    message_kwargs, render, user_ref,
)
from adapters.discord.respond import Responder
from adapters.discord.views import ANSWER_ACTION, AnswerForm
from bot.i18n import normalize_locale, translate
from bot.registry import Command, Where
from bot.types import Button, DmStatusChanged, Event, Replies, Reply

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

REMEMBERED_LOCALES = 10_000


class Handlers:
    def __init__(self, adapter: "DiscordAdapter") -> None:
        self.adapter = adapter
        # Discord gives a locale on interactions, not on messages: remember it for DM answers.
        self._locales: OrderedDict[int, str] = OrderedDict()

    # -- interactions --------------------------------------------------------------------------
    async def on_command(self, interaction: discord.Interaction, command: Command, args: str) -> None:
        # A personal command used in a server is answered ephemerally, which is as private as a DM.
        personal = command.where is Where.PRIVATE or interaction.guild_id is None
        await self._answer(interaction, command_event(interaction, command.name, args, personal=personal),
                           personal=personal, component=False)

    async def on_button(self, interaction: discord.Interaction, action: str, payload: str) -> None:
        personal = interaction.guild_id is None or is_ephemeral_message(interaction.message)
        if action == "run":  # a button that runs a command: private if the command is
            command = self.adapter.registry.resolve(payload)
            personal = personal or (command is not None and command.where is Where.PRIVATE)
        await self._answer(interaction, button_event(interaction, action, payload, personal=personal),
                           personal=personal, component=True)

    async def open_answer_form(self, interaction: discord.Interaction) -> None:
        locale = normalize_locale(locale_code(interaction.locale), self.adapter.default_locale)
        form = AnswerForm(translate(locale, "discord.answer_title"), translate(locale, "discord.answer_label"),
                          interaction_id=interaction.id)
        await interaction.response.send_modal(form)

    async def on_answer(self, interaction: discord.Interaction, typed: str) -> None:
        personal = interaction.guild_id is None or is_ephemeral_message(interaction.message)
        await self._answer(interaction, answer_event(interaction, typed, personal=personal),
                           personal=personal, component=False)

    async def autocomplete(self, interaction: discord.Interaction, command: Command,
                           current: str) -> list[app_commands.Choice[str]]:
        core = self.adapter.core
        if core is None or not command.complete:
            return []
        event = command_event(interaction, command.name, current or "", personal=True)
        found = await completion.suggest(core, command.complete, current or "", event)
        return [app_commands.Choice(name=label, value=value) for value, label in found]

    async def _answer(self, interaction: discord.Interaction, event: Event, *, personal: bool,
                      component: bool) -> None:
        core = self.adapter.core
        if core is None:
            return
        self._remember_locale(interaction.user.id, locale_code(interaction.locale))
        responder = Responder(interaction, personal, component, self.adapter.send_elsewhere)

        async def work() -> list[Reply]:
            replies = await core.handle(event)
            if interaction.guild_id is not None and replies and replies.awaits_text:
                return self._with_answer_button(replies)
            return replies

        await responder.run(work(), self.adapter.config.defer_after_seconds)

    def _with_answer_button(self, replies: Replies) -> list[Reply]:
        """In a server, a person inside a conversation gets a button to type the next answer."""
        locale = replies.locale or self.adapter.default_locale
        last = len(replies) - 1
        while last >= 0 and replies[last].chat is not None:
            last -= 1
        if last < 0:
            return replies
        reply = replies[last]
        row = (Button(translate(locale, "discord.answer_button"), ANSWER_ACTION, ""),)
        changed = Reply(reply.text, reply.title, reply.buttons + (row,), reply.chat, reply.private, reply.edit,
                        reply.silent, reply.attachment)
        return replies[:last] + [changed] + replies[last + 1:]

    # -- direct messages -----------------------------------------------------------------------
    async def on_dm(self, message: discord.Message) -> None:
        core = self.adapter.core
        if core is None:
            return
        event = dm_event(message, self._locales.get(message.author.id))
        if event is None:
            return
        # They wrote to us, so we can write to them: lift an earlier "DMs closed" mark.
        await core.handle(DmStatusChanged(user_ref(message.author), reachable=True))
        for reply in await core.handle(event):
            if reply.chat is not None:
                await self.adapter.send_elsewhere(reply)
                continue
            for out in render(reply):
                try:
                    await message.channel.send(**message_kwargs(out))
                except discord.HTTPException:
                    log.exception("could not answer a DM from Discord user %s", message.author.id)
                    return

    def _remember_locale(self, user_id: int, locale: str | None) -> None:
        if not locale:
            return
        self._locales[user_id] = locale
        self._locales.move_to_end(user_id)
        while len(self._locales) > REMEMBERED_LOCALES:
            self._locales.popitem(last=False)
