"""Answering one interaction with the core's replies, within Discord's three-second rule.

The core's work starts at once; if it has not finished after `defer_after` seconds the interaction
is deferred (a "thinking…" state for a command, a silent acknowledgement for a button) and the
replies follow as followups when ready. Replies are ephemeral inside servers when they are private
(`Reply.private`) or the exchange is personal; `Reply.edit` on a button replaces the message the
button was on. A failure to answer (the token expired, Discord down) is logged: there is no one
left to tell.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord

from adapters.discord.convert import Outgoing, message_kwargs, render
from bot.types import Reply

log = logging.getLogger(__name__)


@dataclass
class Responder:
    """The state of one interaction's answer: deferred or not, which message is still "thinking"."""

    interaction: discord.Interaction
    personal: bool  # ephemeral by default (a personal command, a button under an ephemeral message)
    component: bool  # a button press: may edit the message it belongs to
    elsewhere: Callable[[Reply], Awaitable[None]]  # a reply aimed at another chat
    thinking: bool | None = None  # after a command's defer: its ephemerality, until the first followup
    sent: int = field(default=0)

    @property
    def in_server(self) -> bool:
        return self.interaction.guild_id is not None

    async def run(self, work: Awaitable[list[Reply]], defer_after: float) -> list[Reply]:
        task = asyncio.ensure_future(work)
        try:
            replies = await asyncio.wait_for(asyncio.shield(task), timeout=defer_after)
        except asyncio.TimeoutError:
            await self._defer()
            replies = await task
        try:
            await self.deliver(replies)
        except discord.HTTPException:
            log.exception("could not answer Discord interaction %s", self.interaction.id)
        return replies

    async def _defer(self) -> None:
        try:
            if self.component:
                await self.interaction.response.defer()
            else:
                ephemeral = self.personal and self.in_server
                await self.interaction.response.defer(ephemeral=ephemeral, thinking=True)
                self.thinking = ephemeral
        except discord.HTTPException:
            log.warning("could not defer Discord interaction %s; answering anyway", self.interaction.id)

    async def deliver(self, replies: list[Reply]) -> None:
        for reply in replies:
            if reply.chat is not None:
                await self.elsewhere(reply)
                continue
            private = self.in_server and (self.personal or reply.private)
            for index, out in enumerate(render(reply)):
                if reply.edit and self.component and index == 0 and out.attachment is None:
                    await self._edit(out)
                else:
                    await self._post(out, private)
        await self._finish()

    async def _edit(self, out: Outgoing) -> None:
        kwargs = message_kwargs(out, for_edit=True)
        if not self.interaction.response.is_done():
            await self.interaction.response.edit_message(**kwargs)
        else:
            await self.interaction.edit_original_response(**kwargs)
        self.sent += 1

    async def _post(self, out: Outgoing, private: bool) -> None:
        kwargs = message_kwargs(out)
        response = self.interaction.response
        if not response.is_done():
            await response.send_message(ephemeral=private, **kwargs)
        elif self.thinking is not None:
            # The first followup replaces the "thinking…" message and keeps its visibility: when
            # that visibility is wrong for this reply, remove the placeholder and post anew.
            if self.thinking != private:
                await self.interaction.delete_original_response()
            await self.interaction.followup.send(ephemeral=private, **kwargs)
            self.thinking = None
        else:
            await self.interaction.followup.send(ephemeral=private, **kwargs)
        self.sent += 1

    async def _finish(self) -> None:
        """Nothing to say: acknowledge a button silently, remove a command's "thinking…"."""
        if self.sent:
            return
        if not self.interaction.response.is_done():
            if self.component:
                await self.interaction.response.defer()
                return
            await self.interaction.response.defer(ephemeral=True, thinking=True)  # a command must be answered
            self.thinking = True
        if self.thinking is not None:
            await self.interaction.delete_original_response()
            self.thinking = None
