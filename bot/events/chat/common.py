"""Helpers the events chat features share: the reader's time zone, rights on an event, venue lists,
button labels."""

from __future__ import annotations

from bot.context import Context
from bot.events.queries import venue_ids_of
from bot.outbox.notify import member_timezone
from storage.models import Venue
from storage.models.events import Event
from storage.venues import all_venues


async def reader_zone(ctx: Context) -> str:
    """Times are shown in the reader's time zone: their home venue's, else the network's."""
    if ctx.member is None:
        return ctx.config.network.timezone
    return await member_timezone(ctx.session, ctx.member, ctx.config.network.timezone)


async def can_manage(ctx: Context, event: Event) -> bool:
    """Animators, and hosts of any venue hosting the event, may edit or cancel it."""
    if await ctx.is_animator():
        return True
    hosted = await ctx.hosted_venue_ids()
    return bool(hosted & set(await venue_ids_of(ctx.session, event.id)))


async def default_venue(ctx: Context) -> Venue | None:
    """The venue an event is at unless the host says otherwise: the one they host (their home venue
    when they host several or are an animator)."""
    hosted = await ctx.hosted_venue_ids()
    venues = {v.id: v for v in await all_venues(ctx.session)}
    home = ctx.member.home_venue_id if ctx.member is not None else None
    if home in hosted or (home in venues and await ctx.is_animator()):
        return venues[home]
    for venue_id in sorted(hosted):
        return venues.get(venue_id)
    return None


def capitalised(label: str) -> str:
    """Button labels start with a capital, as every other button ("Étudiant·es", "Familles");
    the same words stay lower case inside sentences ("Pour : étudiant·es")."""
    return label[:1].upper() + label[1:]
