"""Publishing, editing and cancelling events (/event, /event edit, /event cancel), and /myevents.

Every button re-checks on the server that the person may manage that event (an animator, or a host
of one of its venues), that it is still upcoming, and that it was posted by chat (imported events
are changed in their calendar, or the next sync would undo the change). Before a new event is
published it is compared with the programme (`bot.events.lookalike`): the same event imported
from a venue's calendar first is shown to the host instead (see `duplicate`).

/myevents ends with the member's private calendar link (`bot.feeds.calendar_tokens`), to subscribe
to their own events in any calendar app.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.context import Context
from bot.events.announce import announce_event, cancel_event, notify_change
from bot.events.lookalike import find_duplicate
from bot.events.queries import get_event, set_venues, venue_ids_of, venues_of
from bot.events.render import format_span
from bot.events.rsvp import promote_waiting
from bot.events.chat import create, lookalike_answer as duplicate
from bot.events.chat.common import can_manage, reader_zone
from bot.events.chat.draft import FLOW, Draft
from bot.feeds.calendar_tokens import member_calendar_url
from bot.types import Button, Reply
from bot.shorten import shorten
from storage.models.events import Event, EventVenue, Rsvp

EDIT_WORDS = {"edit", "modifier", "modif", "change"}
CANCEL_WORDS = {"cancel", "annuler", "supprimer", "delete"}
LIST_LIMIT = 10


async def event_command(ctx: Context) -> Reply:
    word, _, rest = ctx.args.partition(" ")
    draft = create.draft_under_way(ctx)
    if draft is not None and word.lower() not in CANCEL_WORDS:  # a title and date would be lost: ask first
        return create.ask_restart(ctx, draft, ctx.args)
    if word.lower() in EDIT_WORDS:
        return await _pick_or_act(ctx, rest.strip(), "ev.ed", edit_event, "events.manage.none")
    if word.lower() in CANCEL_WORDS:
        return await _pick_or_act(ctx, rest.strip(), "ev.cx", ask_cancel, "events.manage.none_to_cancel")
    reply = await create.start(ctx)
    if ctx.args:  # "/event Repair café": the title is already there; say so, it may be a mistyped word
        draft = Draft.load(ctx.conversation.data)
        error = await create.read_title(ctx, draft, ctx.args)
        if error is not None:
            return error
        asked = await create.advance(ctx, draft, "title")
        return replace(asked, text=ctx.t("events.ask.when_titled", title=draft.title))
    return reply


async def restart_pressed(ctx: Context) -> Reply:
    """"Start again" under the question `event_command` asks during a draft: drop it, run /event anew."""
    if create.in_flow(ctx) is not None:
        await ctx.end_flow()
    return await event_command(ctx)


async def _pick_or_act(ctx: Context, text: str, action: str, act, none_key: str) -> Reply:
    if text:
        return await act(ctx, await get_event(ctx.session, text))
    events = await manageable_events(ctx)
    if not events:
        return Reply(ctx.t(none_key))
    zone = await reader_zone(ctx)
    buttons = tuple((Button(shorten(f"{format_span(e, zone, ctx.t)} · {e.title}", 60), action, str(e.id)),) for e in events)
    return Reply(ctx.t("events.manage.pick"), buttons=buttons)


async def manageable_events(ctx: Context) -> list[Event]:
    statement = (select(Event).where(Event.status == "published", Event.ends_at > ctx.now, Event.source == "chat")
                 .order_by(Event.starts_at).limit(LIST_LIMIT))
    if not await ctx.is_animator():
        hosted = await ctx.hosted_venue_ids()
        statement = statement.where(Event.id.in_(select(EventVenue.event_id).where(EventVenue.venue_id.in_(hosted))))
    return list((await ctx.session.execute(statement)).scalars())


async def refusal(ctx: Context, event: Event | None) -> Reply | None:
    """Why this person may not change this event now, or None."""
    if event is None or event.status == "draft":
        return Reply(ctx.t("events.manage.unknown"))
    if not await can_manage(ctx, event):
        return Reply(ctx.t("events.manage.not_yours"), private=True)
    if event.status == "cancelled":
        return Reply(ctx.t("events.manage.already_cancelled", title=event.title))
    if event.ends_at <= ctx.now:
        return Reply(ctx.t("events.manage.past", title=event.title))
    if event.source != "chat":
        return Reply(ctx.t("events.manage.from_feed", title=event.title))
    return None


async def edit_event(ctx: Context, event: Event | None) -> Reply:
    refused = await refusal(ctx, event)
    if refused is not None:
        return refused
    draft = Draft.from_event(event, await venue_ids_of(ctx.session, event.id))
    await ctx.start_flow(FLOW, "preview", draft.dump())
    return await create.edit_menu(ctx)


async def edit_pressed(ctx: Context) -> Reply:
    return await edit_event(ctx, await get_event(ctx.session, ctx.args))


async def ask_cancel(ctx: Context, event: Event | None) -> Reply:
    refused = await refusal(ctx, event)
    if refused is not None:
        return refused
    going = event.going_count
    buttons = ((Button(ctx.t("events.manage.cancel_yes"), "ev.cxy", str(event.id)),
                Button(ctx.t("events.manage.cancel_no"), "ev.cxn")),)
    if going == 0:
        return Reply(ctx.t("events.manage.cancel_confirm_nobody", title=event.title), buttons=buttons)
    return Reply(ctx.t("events.manage.cancel_confirm", title=event.title, count=going), buttons=buttons)


async def cancel_pressed(ctx: Context) -> Reply:
    return await ask_cancel(ctx, await get_event(ctx.session, ctx.args))


async def cancel_confirmed(ctx: Context) -> Reply:
    event = await get_event(ctx.session, ctx.args)
    refused = await refusal(ctx, event)
    if refused is not None:
        return refused
    told = await cancel_event(ctx.session, ctx.config, event, ctx.now)
    lines = [ctx.t("events.manage.cancelled", title=event.title)]
    if told.people:
        lines.append(ctx.t("events.manage.told_people", count=told.people))
    if told.groups:
        lines.append(ctx.t("events.manage.told_groups", count=told.groups))
    return Reply(" ".join(lines), edit=True)


async def cancel_kept(ctx: Context) -> Reply:
    return Reply(ctx.t("events.manage.kept"), edit=True)


async def publish_pressed(ctx: Context) -> Reply:
    return await _publish(ctx, anyway=False)


async def publish_anyway_pressed(ctx: Context) -> Reply:
    """"Publish mine anyway", after being shown the same event already in the programme."""
    return await _publish(ctx, anyway=True)


async def _publish(ctx: Context, anyway: bool) -> Reply:
    draft = create.in_flow(ctx)
    if draft is None or ctx.conversation.step != (duplicate.STEP if anyway else "preview"):
        return create.expired(ctx)
    if not draft.title:
        return await create.field_pressed_for(ctx, draft, "title")
    if draft.starts_at is None or draft.ends_at is None:
        return await create.field_pressed_for(ctx, draft, "when")
    # A new event is published by a host of its main venue; a co-host may edit (`refusal` checks).
    needed = draft.venues[:1] if draft.event_id is None else draft.venues
    if not any([await ctx.can_host(venue_id) for venue_id in needed]):
        return await create.field_pressed_for(ctx, draft, "venues")
    if draft.event_id is not None:
        return await _save(ctx, draft)
    if draft.starts_at <= ctx.now:
        await create.field_pressed_for(ctx, draft, "when")
        return Reply(ctx.t("events.when_error.past"))
    if not anyway:  # imported from a venue's calendar first, or posted by another host?
        existing = await find_duplicate(ctx.session, draft.title, draft.starts_at, draft.zone, draft.venues)
        if existing is not None:
            return await duplicate.warn(ctx, draft, existing)
    event = Event(status="published", source="chat", created_by_id=ctx.member.id if ctx.member else None,
                  published_at=ctx.now, created_at=ctx.now, updated_at=ctx.now, going_count=0, sequence=0,
                  recurrence_id="", location="")
    draft.to_event(event)
    ctx.session.add(event)
    await ctx.session.flush()
    await set_venues(ctx.session, event, draft.venues)
    chats = await announce_event(ctx.session, ctx.config, event, ctx.now)
    await ctx.end_flow()
    if chats == 0:
        return Reply(ctx.t("events.manage.published_nowhere", title=event.title))
    return Reply(ctx.t("events.manage.published", title=event.title, count=chats))


async def _save(ctx: Context, draft: Draft) -> Reply:
    event = await get_event(ctx.session, str(draft.event_id))
    refused = await refusal(ctx, event)
    if refused is not None:
        await ctx.end_flow()
        return refused
    before = (event.starts_at, event.ends_at, event.all_day, tuple(await venue_ids_of(ctx.session, event.id)))
    if draft.starts_at != event.starts_at and draft.starts_at <= ctx.now:
        await create.field_pressed_for(ctx, draft, "when")
        return Reply(ctx.t("events.when_error.past"))
    old_capacity = event.capacity
    draft.to_event(event)
    event.updated_at = ctx.now
    await set_venues(ctx.session, event, draft.venues)
    told = None
    if (event.starts_at, event.ends_at, event.all_day, tuple(draft.venues)) != before:
        event.sequence += 1  # a change of time or place: everyone going is told, once per change
        told = await notify_change(ctx.session, ctx.config, event, ctx.now)
    if event.capacity is None or (old_capacity is not None and event.capacity > old_capacity):
        await promote_waiting(ctx.session, ctx.config, event, ctx.now)
    await announce_event(ctx.session, ctx.config, event, ctx.now)  # only chats of newly added venues
    await ctx.end_flow()
    if told is None:  # neither time nor place changed: nobody needs telling
        return Reply(ctx.t("events.manage.saved_quietly", title=event.title))
    if told == 0:
        return Reply(ctx.t("events.manage.saved_nobody", title=event.title))
    return Reply(ctx.t("events.manage.saved", title=event.title, count=told))


async def myevents(ctx: Context) -> Reply:
    zone = await reader_zone(ctx)
    lines: list[str] = []
    rows: list[tuple[Button, ...]] = []
    if ctx.member is not None:
        mine = list(await ctx.session.execute(
            select(Event, Rsvp.status).join(Rsvp, Rsvp.event_id == Event.id)
            .where(Rsvp.member_id == ctx.member.id, Rsvp.status.in_(("going", "waitlist")),
                   Event.ends_at > ctx.now, Event.status == "published")
            .order_by(Event.starts_at).limit(LIST_LIMIT)))
        venues = await venues_of(ctx.session, [e.id for e, _ in mine])
        for event, status in mine:
            where = ", ".join(v.name for v in venues.get(event.id, []))
            lines.append(ctx.t(f"events.mine.{status}", when=format_span(event, zone, ctx.t, ctx.now),
                               title=event.title, where=where))
            rows.append((Button(ctx.t("events.mine.leave_button", title=shorten(event.title, 30)), "rsvp", f"{event.id}:n"),))
    if await ctx.can_host():
        hosted = await manageable_events(ctx)
        if hosted:
            lines.append("")
            lines.append(ctx.t("events.mine.hosted_title"))
            for event in hosted:
                lines.append(ctx.t("events.mine.hosted", when=format_span(event, zone, ctx.t, ctx.now),
                                   title=event.title, count=event.going_count))
                rows.append((Button(ctx.t("events.mine.edit_button", title=event.title[:24].rstrip()), "ev.ed", str(event.id)),
                             Button(ctx.t("events.mine.cancel_button"), "ev.cx", str(event.id))))
    if not lines:
        lines.append(ctx.t("events.mine.none"))
    calendar = await calendar_line(ctx) if ctx.member is not None else None
    if calendar:
        lines += ["", calendar]
    return Reply("\n".join(lines).strip(), title=ctx.t("events.mine.title"), buttons=tuple(rows), private=True)


async def calendar_line(ctx: Context) -> str | None:
    """The member's private ICS link. Without a web server (no [web] section) a link would point at
    nothing: animators, who can switch it on, are told so; members see nothing."""
    if ctx.config.web is None:
        return ctx.t("events.mine.calendar_off") if await ctx.is_animator() else None
    return ctx.t("events.mine.calendar", url=await member_calendar_url(ctx.session, ctx.config, ctx.member))
