"""Matchmaking in chat: members' /introductions settings, answers to introductions, and the
animators' /matchmaking (preview, run, stats, schedule). The rounds themselves run in
jobs/matchmaking.py; the logic lives in bot/matchmaking/.
"""

from __future__ import annotations

from bot.matchmaking.chat import animators, answers, settings
from bot.matchmaking import personal
from bot.registry import Access, Registry, Where


def register(registry: Registry) -> None:
    registry.command("introductions", fr="rencontres", summary="matchmaking.summary", args="matchmaking.args",
                     access=Access.MEMBER, where=Where.PRIVATE, section="introductions", order=40)(settings.command)
    registry.action("mm.set", access=Access.MEMBER)(settings.pressed)
    registry.flow("mm_settings")(settings.flow)
    registry.action("mm.yes", access=Access.MEMBER)(answers.accept)
    registry.action("mm.no", access=Access.MEMBER)(answers.decline)
    registry.action("mm.met", access=Access.MEMBER)(answers.met)
    registry.action("mm.cant", access=Access.MEMBER)(answers.cant)
    registry.action("mm.skip", access=Access.MEMBER)(answers.skip_next)
    registry.action("mm.fb", access=Access.MEMBER)(answers.feedback_pressed)
    registry.flow("mm_note")(answers.note_flow)
    registry.command("matchmaking", fr="appariement", summary="matchmaking.admin.summary",
                     args="matchmaking.admin.args", access=Access.ANIMATOR, section="animators",
                     order=60)(animators.command)
    registry.action("mm.adm", access=Access.ANIMATOR)(animators.pressed)
    registry.holds_personal_data("matchmaking", export=personal.export, erase=personal.erase)
