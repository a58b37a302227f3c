"""The Discord adapter: slash commands, persistent buttons, DMs and server channels on discord.py 2.

`build_adapter(config, app)` is what `bot.app` calls when the config has a `[discord]` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.discord.adapter import DiscordAdapter

if TYPE_CHECKING:
    from bot.application import App
    from bot.config import DiscordConfig

__all__ = ["DiscordAdapter", "build_adapter"]


def build_adapter(config: "DiscordConfig", app: "App") -> DiscordAdapter:
    return DiscordAdapter(config, app.db, app.core.registry)
