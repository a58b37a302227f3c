"""Skills in the chat: /offer, /need and /interest (`member_skills`)."""

from __future__ import annotations

from bot.registry import Registry
from bot.skills.chat import member_skills


def register(registry: Registry) -> None:
    member_skills.register(registry)
