"""Venues in the chat: /venues and the paged venue picker (`listing`)."""

from __future__ import annotations

from bot.registry import Registry
from bot.venues.chat import listing


def register(registry: Registry) -> None:
    listing.register(registry)
