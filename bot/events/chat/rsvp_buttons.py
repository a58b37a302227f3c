"""The RSVP buttons ("rsvp" action, payload "EVENT_ID:y" or "EVENT_ID:n"), under announcements,
agenda entries, reminders and /myevents. Pressed in a group, the answer is private."""

from __future__ import annotations

from bot.context import Context
from bot.events import rsvp
from bot.events.queries import get_event
from bot.types import Reply


async def rsvp_pressed(ctx: Context) -> Reply:
    event_id, _, answer = ctx.args.partition(":")
    event = await get_event(ctx.session, event_id)
    if event is None or event.status == "draft" or answer not in ("y", "n"):
        return ctx.expired(private=True)
    if ctx.member is None:
        return Reply(ctx.t("core.join_first"), private=True)
    if event.status == "cancelled":
        return Reply(ctx.t("events.rsvp.cancelled", title=event.title), private=True)
    going = answer == "y"
    if going and event.starts_at <= ctx.now or not going and event.ends_at <= ctx.now:
        return Reply(ctx.t("events.rsvp.too_late", title=event.title), private=True)
    outcome = await rsvp.respond(ctx.session, ctx.config, event, ctx.member, going, ctx.now)
    if outcome.status == "going":
        key = "events.rsvp.going" if outcome.changed else "events.rsvp.already_going"
        return Reply(ctx.t(key, title=event.title), private=True)
    if outcome.status == "waitlist":
        key = "events.rsvp.waitlist" if outcome.changed else "events.rsvp.already_waitlist"
        return Reply(ctx.t(key, title=event.title, position=outcome.position), private=True)
    if outcome.changed:
        return Reply(ctx.t("events.rsvp.left", title=event.title), private=True)
    return Reply(ctx.t("events.rsvp.not_registered", title=event.title), private=True)
