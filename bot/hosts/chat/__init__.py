"""Hosts in the chat: /host, /link_venue, /link_network, /unlink (`roles`), /link_hosts (`network`),
the weekly pulse's buttons (`pulse`), /venue_stats (`stats`),
/suggestions and the co-hosting double opt-in (`suggestions`)."""

from __future__ import annotations

from bot.hosts.chat import network, pulse, roles, stats, suggestions
from bot.hosts.personal import erase_hosts, export_hosts
from bot.registry import Registry


def register(registry: Registry) -> None:
    roles.register(registry)
    network.register(registry)
    pulse.register(registry)
    stats.register(registry)
    suggestions.register(registry)
    registry.holds_personal_data("hosts_network", export=export_hosts, erase=erase_hosts)
