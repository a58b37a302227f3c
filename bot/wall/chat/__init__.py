"""The wall in the chat: /wall (/mur) for animators and hosts, the consent toggle of /profile and
onboarding, the hide button on the notice of a member appearing, and /start ev_<id> (an event's QR)."""

from __future__ import annotations

from bot.registry import Access, Registry, Where
from bot.wall import consent
from bot.wall.chat import moderate, toggle


def register(registry: Registry) -> None:
    registry.command("wall", fr="mur", summary="wall.chat.summary", args="wall.chat.args", access=Access.HOST,
                     where=Where.PRIVATE, section="hosts", order=40)(moderate.wall_command)
    registry.action("wall.h", access=Access.HOST)(moderate.hide_pressed)
    registry.action("wall.s", access=Access.HOST)(moderate.show_pressed)
    registry.action("wallc", access=Access.MEMBER)(toggle.toggle_pressed)
    registry.holds_personal_data("wall", export=consent.export, erase=consent.erase)
