"""Partners in the chat."""

from __future__ import annotations

from bot.registry import Registry


def register(registry: Registry) -> None:
    """Nothing yet."""
