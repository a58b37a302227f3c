"""Calendar feeds in the chat: /feed_add, /feed_list, /feed_remove and the "same event?" answer (`commands`)."""

from __future__ import annotations

from bot.feeds.chat import commands
from bot.registry import Registry


def register(registry: Registry) -> None:
    commands.register(registry)
