"""Members in the chat: joining a venue and onboarding, /profile, /link between platforms.

`accounts` holds the identity helpers these share; each other module declares its own commands,
buttons and flows, and `register` wires them.
"""

from __future__ import annotations

from bot.members.chat import link, onboarding, profile
from bot.registry import Registry


def register(registry: Registry) -> None:
    for module in (onboarding, profile, link):
        module.register(registry)
