"""Venues in the chat: /venues and the paged venue picker (`listing`); /claim_venue and /venue_edit
for hosts of imported venues (`claim`)."""

from __future__ import annotations

from bot.registry import Registry
from bot.venues.chat import claim, listing


def register(registry: Registry) -> None:
    listing.register(registry)
    claim.register(registry)
