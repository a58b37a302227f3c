"""Hosts in the chat: /host, /link_venue, /link_network, /unlink (`roles`), /link_hosts (`network`)."""

from __future__ import annotations

from bot.hosts.chat import network, roles
from bot.registry import Registry


def register(registry: Registry) -> None:
    roles.register(registry)
    network.register(registry)
