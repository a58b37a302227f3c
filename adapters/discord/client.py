"""The discord.py client: minimal intents, the slash-command tree, persistent buttons, DMs.

Intents: `guilds` (servers and channels, so commands and channel names resolve, and the
scheduled-events mirror finds each bound channel's server) and `dm_messages` (the answers people
type in DM). No privileged intent: not message content (slash commands and
buttons need none, and DM content is delivered anyway), not members.

`setup_hook` runs once at login: it registers the `ActionButton` template (buttons survive
restarts), builds the commands from the registry, and publishes them only if their hash changed:
to `test_guild_id` when configured (instant), globally otherwise.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from adapters.discord import sync
from adapters.discord.commands import CatalogueTranslator, add_commands
from adapters.discord.views import ActionButton
from bot import platform_state
from bot.config import DiscordConfig

if TYPE_CHECKING:
    from adapters.discord.handlers import Handlers

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


class MaillageClient(discord.Client):
    def __init__(self, config: DiscordConfig, handlers: "Handlers") -> None:
        super().__init__(intents=intents(), allowed_mentions=discord.AllowedMentions.none(),
                         max_ratelimit_timeout=config.max_ratelimit_wait)
        self.config = config
        self.maillage = handlers  # the views and modals reach the adapter through the client
        self.tree = app_commands.CommandTree(self)
        self.translator = CatalogueTranslator()
        self.synced: bool | None = None  # after setup: whether this start published the commands

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ActionButton)
        await self.tree.set_translator(self.translator)
        count = add_commands(self.tree, self.maillage.adapter.registry, self.maillage)
        log.info("%d slash commands built from the registry", count)
        if self.config.sync_commands:
            self.synced = await self.sync_commands()

    async def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict]:
        """Exactly what `tree.sync` sends, French localisations included."""
        return [await command.get_translated_payload(self.tree, self.translator)
                for command in self.tree.get_commands(guild=guild)]

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Publish the commands if they changed since the last publication; returns whether it did."""
        guild = discord.Object(int(self.config.test_guild_id)) if self.config.test_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        scope = sync.scope_key(self.config.test_guild_id)
        digest = sync.payload_hash(await self.command_payload(guild))
        core = self.maillage.adapter.core
        assert core is not None, "commands are published once the adapter has started"
        if not force and await platform_state.remembered(core.db, scope) == digest:
            log.info("slash commands unchanged (%s): not published again", scope)
            return False
        published = await self.tree.sync(guild=guild)
        await platform_state.remember(core.db, scope, digest)
        log.info("published %d slash commands (%s)", len(published), scope)
        return True

    async def on_message(self, message: discord.Message) -> None:
        # Only DMs: in servers the bot reads nothing (and without the intent it would get no text).
        if message.guild is not None or message.author.bot or message.author == self.user:
            return
        await self.maillage.on_dm(message)
