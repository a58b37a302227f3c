"""The host's answer when the event they are publishing is already in the programme.

`bot.events.lookalike` finds the look-alike (usually imported from a venue's online calendar);
this module shows it and offers three ways out, decided so that the programme stays one event per
happening without ever blocking a host:

- "Same event: add my venue" — the draft's venues become co-hosts of the existing event (its new
  venues' chats get the announcement, once), nothing new is published;
- "Publish mine anyway" — the host knows better (two sessions of a workshop, say): published as is;
- "Cancel" — the draft is dropped.

Every press re-checks, on the server, that it comes from this person's own /event conversation at
the "duplicate" step, that they still host the draft's main venue, and that the existing event is
still published and upcoming.
"""

from __future__ import annotations

from bot.context import Context
from bot.phrases import spoken_list
from bot.events.announce import announce_event
from bot.events.queries import venues_of
from bot.events.render import event_card
from bot.events.chat import create
from bot.events.chat.common import reader_zone
from bot.events.chat.draft import Draft
from bot.feeds.records import add_cohost
from bot.types import Button, Reply
from storage.models import Venue
from storage.models.events import Event

STEP = "duplicate"


async def warn(ctx: Context, draft: Draft, existing: Event) -> Reply:
    """Show the event already in the programme and ask what to do with the draft."""
    draft.duplicate_of = existing.id
    await ctx.set_step(STEP, **draft.dump())
    hosts = (await venues_of(ctx.session, [existing.id])).get(existing.id, [])
    card = event_card(existing, hosts, await reader_zone(ctx), ctx.t, ctx.now, details=False)
    new_venues = set(draft.venues) - {v.id for v in hosts}
    rows: list[tuple[Button, ...]] = []
    if new_venues:
        rows.append((Button(ctx.t("events.duplicate.cohost_button"), "ev.dupco"),))
    rows.append((Button(ctx.t("events.duplicate.anyway_button"), "ev.pubf"),
                 Button(ctx.t("events.flow.drop_button"), "ev.drop")))
    key = "events.duplicate.body" if new_venues else "events.duplicate.body_hosted"
    return Reply(ctx.t(key, card=card, title=existing.title), title=ctx.t("events.duplicate.title"),
                 buttons=tuple(rows))


async def still_there(ctx: Context, draft: Draft) -> Event | None:
    """The existing event, if it is still a published, upcoming event."""
    if draft.duplicate_of is None:
        return None
    event = await ctx.session.get(Event, draft.duplicate_of)
    if event is None or event.status != "published" or event.ends_at <= ctx.now:
        return None
    return event


async def cohost_pressed(ctx: Context) -> Reply | list[Reply]:
    draft = create.in_flow(ctx)
    if draft is None or ctx.conversation.step != STEP:
        return create.expired(ctx)
    if not draft.venues or not await ctx.can_host(draft.venues[0]):
        return await create.field_pressed_for(ctx, draft, "venues")
    event = await still_there(ctx, draft)
    if event is None:  # cancelled or over since the warning: back to this host's own preview
        draft.duplicate_of = None
        await ctx.set_step("preview", **draft.dump())
        return [Reply(ctx.t("events.duplicate.gone")), await create.preview(ctx, draft)]
    # Only venues this person hosts join someone else's event: joining one makes its hosts able to
    # edit and cancel it, and puts it in that venue's chats.
    mine = {venue.id for venue in await ctx.hostable_venues()}
    added = [venue_id for venue_id in draft.venues
             if venue_id in mine and await add_cohost(ctx.session, event.id, venue_id, ctx.now)]
    if added and event.announced_at is not None:
        await announce_event(ctx.session, ctx.config, event, ctx.now)  # only the chats of the added venues
    await ctx.end_flow()
    names = [venue.name for venue_id in added if (venue := await ctx.session.get(Venue, venue_id)) is not None]
    if not names:
        return Reply(ctx.t("events.duplicate.nothing_added", title=event.title))
    return Reply(ctx.t("events.duplicate.cohosted", title=event.title, venues=spoken_list(names, ctx.t)))


async def on_text(ctx: Context) -> Reply | None:
    """The /event flow's free text: at the "already in the programme?" step, the buttons again
    (or the preview, when the look-alike has gone meanwhile); at every other step, `create`."""
    assert ctx.conversation is not None
    if ctx.conversation.step != STEP or ctx.chat.chat_id != ctx.conversation.chat_id:
        return await create.on_text(ctx)
    draft = Draft.load(ctx.conversation.data)
    existing = await still_there(ctx, draft)
    if existing is not None:
        warned = await warn(ctx, draft, existing)
        return Reply(ctx.t("events.flow.use_buttons_other"), buttons=warned.buttons)
    draft.duplicate_of = None
    await ctx.set_step("preview", **draft.dump())
    return await create.preview(ctx, draft)
