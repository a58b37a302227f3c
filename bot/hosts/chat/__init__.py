"""Hosts in the chat: /host, /link_venue, /link_network, /unlink (`roles`), /link_hosts (`network`),
the weekly pulse's buttons (`pulse`)."""

from __future__ import annotations

from bot.hosts.chat import network, pulse, roles
from bot.registry import Registry


def register(registry: Registry) -> None:
    roles.register(registry)
    network.register(registry)
    pulse.register(registry)
