"""/start ev_<id>: the QR code of an event on the wall opens the bot on that event, with its RSVP
buttons (onboarding's /start hands such payloads here; someone who has not joined yet is then
offered the venues to join)."""

from __future__ import annotations

from bot.context import Context
from bot.events.chat.agenda import show_event
from bot.types import Reply
from bot.wall.links import event_from_payload


def is_event_payload(code: str) -> bool:
    return event_from_payload(code) is not None


async def open_event(ctx: Context, code: str) -> Reply:
    event_id = event_from_payload(code)
    ctx.args = str(event_id)
    return await show_event(ctx)
