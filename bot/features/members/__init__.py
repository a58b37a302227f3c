"""Members: joining a venue, onboarding, the profile, skills typed in chat, venues, linking platforms.

One package because these share the member's lifecycle; each module declares its own commands,
buttons and flows, and `register` wires them all (bot.registry finds this package like any feature).
"""

from __future__ import annotations

from bot.registry import Registry
from bot.features.members import link, onboarding, profile, skills, venues


def register(registry: Registry) -> None:
    for module in (venues, onboarding, profile, skills, link):
        module.register(registry)
