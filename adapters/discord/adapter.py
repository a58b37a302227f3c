"""`DiscordAdapter`: the `ChatAdapter` port on discord.py, running in Maillage's own asyncio loop.

`start` logs in (a wrong token fails here, at once, with a clear error), which runs the client's
`setup_hook` (commands, persistent buttons), then keeps the gateway connection in a task next to
the other adapters (and, when configured, the task mirroring the programme as scheduled events,
mirror.py). `send` and `send_dm` are what the outbox dispatcher calls: each message part
carries a nonce derived from the idempotency key, so a resend after a failure cannot duplicate it,
and Discord's failures come back as the core's typed errors (errors.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from adapters.discord.client import MaillageClient
from adapters.discord.convert import PLATFORM, message_kwargs, render
from adapters.discord.errors import SEND_ERRORS, delivery_error, nonce_for
from adapters.discord.handlers import Handlers
from adapters.discord.mirror import ScheduledEventMirror
from bot.config import DiscordConfig
from bot.ports import Capabilities, DeliveryError, Rejected
from bot.registry import Registry
from bot.types import ChatKind, ChatRef, Reply, SentMessage

if TYPE_CHECKING:
    from bot.core import BotCore

log = logging.getLogger(__name__)

CAPABILITIES = Capabilities(max_message_length=2000, max_buttons_per_row=5, max_button_rows=5, can_edit=True,
                            can_send_silently=True, has_ephemeral=True, idempotent_send=True)


class DiscordAdapter:
    platform = PLATFORM
    capabilities = CAPABILITIES

    def __init__(self, config: DiscordConfig, registry: Registry, *, default_locale: str = "fr") -> None:
        """`registry` gives the slash commands to publish; the database is reached through the core
        `start` receives, so the adapter holds nothing of the app's but what it uses."""
        self.config = config
        self.registry = registry
        self.default_locale = default_locale
        self.core: BotCore | None = None
        self.handlers = Handlers(self)
        self.client = MaillageClient(config, self.handlers)
        self.mirror = ScheduledEventMirror(self)
        self._connection: asyncio.Task | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self, core: "BotCore", *, connect: bool = True) -> None:
        """Log in and publish the commands; then (with `connect`) keep the gateway open in a task."""
        self.core = core
        await self.client.__aenter__()  # what `async with client` does: binds the client to this loop
        await self.client.login(self.config.token)
        if connect:
            self._connection = asyncio.create_task(self.client.connect(reconnect=True), name="discord-gateway")
            self._connection.add_done_callback(_report_end)
            if self.config.mirror_scheduled_events:
                self.mirror.start()

    async def stop(self) -> None:
        await self.mirror.stop()
        self.core = None
        await self.client.close()
        if self._connection is not None:
            self._connection.cancel()
            await asyncio.gather(self._connection, return_exceptions=True)
            self._connection = None

    # -- the port ------------------------------------------------------------------------------
    async def send(self, chat: ChatRef, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        if chat.kind is ChatKind.PRIVATE:  # on Discord a private chat's id is the person's user id
            return await self.send_dm(chat.chat_id, reply, idempotency_key=idempotency_key)
        channel = self.client.get_partial_messageable(_snowflake(chat.chat_id))
        return await self._post(channel, reply, idempotency_key, dm=False)

    async def send_dm(self, user_id: str, reply: Reply, *, idempotency_key: str | None = None) -> SentMessage:
        try:
            channel = await self.client.create_dm(discord.Object(_snowflake(user_id)))
        except SEND_ERRORS as error:
            raise delivery_error(error, dm=True) from error
        return await self._post(channel, reply, idempotency_key, dm=True)

    async def _post(self, channel: discord.abc.Messageable, reply: Reply, key: str | None, *, dm: bool) -> SentMessage:
        ids: list[str] = []
        for part, out in enumerate(render(reply)):
            try:
                message = await channel.send(nonce=nonce_for(key, part), **message_kwargs(out))
            except SEND_ERRORS as error:
                raise delivery_error(error, dm=dm) from error
            ids.append(str(message.id))
        return SentMessage(ids[0], {"message_ids": ids} if len(ids) > 1 else {})

    async def send_elsewhere(self, reply: Reply) -> None:
        """A reply the core aimed at another chat than the one it answers (e.g. a venue channel)."""
        assert reply.chat is not None
        if reply.chat.platform != PLATFORM:
            log.warning("a direct reply aimed at %s cannot go through Discord; use the outbox", reply.chat.platform)
            return
        try:
            await self.send(reply.chat, reply)
        except DeliveryError as error:
            log.warning("could not post a reply in Discord chat %s: %s", reply.chat.chat_id, error)


def _snowflake(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Rejected(f"{value!r} is not a Discord id") from None


def _report_end(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the Discord gateway connection ended", exc_info=task.exception())
