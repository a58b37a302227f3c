"""The Discord adapter: slash commands, persistent buttons, DMs and server channels on discord.py 2.

`build_adapter(config, registry=..., default_locale=...)` is what `bot.app` calls when the config has
a `[discord]` table: the adapter gets its config section and the registry (the commands to publish);
the database and everything else it reaches through the core given to `start`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.discord.adapter import DiscordAdapter

if TYPE_CHECKING:
    from bot.config import DiscordConfig
    from bot.registry import Registry

__all__ = ["DiscordAdapter", "build_adapter"]


def build_adapter(config: "DiscordConfig", *, registry: "Registry", default_locale: str = "fr") -> DiscordAdapter:
    """The adapter for the `[discord]` section; `maillage run` starts it with the app's core."""
    return DiscordAdapter(config, registry, default_locale=default_locale)
