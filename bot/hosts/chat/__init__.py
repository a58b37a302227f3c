"""Hosts in the chat: /host, /link_venue, /link_network, /unlink (`roles`), /link_hosts (`network`),
the weekly pulse's buttons (`pulse`), /venue_stats (`stats`)."""

from __future__ import annotations

from bot.hosts.chat import network, pulse, roles, stats
from bot.registry import Registry


def register(registry: Registry) -> None:
    roles.register(registry)
    network.register(registry)
    pulse.register(registry)
    stats.register(registry)
