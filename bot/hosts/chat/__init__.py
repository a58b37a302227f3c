"""Hosts in the chat: /host, /link_venue, /link_network, /unlink (`roles`)."""

from __future__ import annotations

from bot.hosts.chat import roles
from bot.registry import Registry


def register(registry: Registry) -> None:
    roles.register(registry)
