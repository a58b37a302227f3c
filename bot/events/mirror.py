"""What a platform calendar should show: the upcoming programme of the chats bound on that platform.

Some platforms have their own calendar (Discord's scheduled events). An adapter that mirrors the
programme there asks `events_to_mirror` which events each of its chats should show, and keeps its
own mapping to what it created. This module only reads storage and returns neutral records: which
event, its text, times in UTC, place, status, sequence, and the chats of that platform whose
programme includes it. RSVPs stay in Maillage: a mirror is a signpost, never a second sign-up list.

Which chats show an event: the announcement chats bound to one of its venues (`/link_venue`) and
the network programme chats (`/link_network` or `[events] programme_chat`), exactly as for the
announcements (`queries.announcement_chats`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.queries import ProgrammeFilter, programme, programme_chats, venues_of
from storage.models import Venue, VenueChat
from storage.models.events import Event


@dataclass(frozen=True)
class MirroredEvent:
    """One event as a platform calendar should show it."""

    event_id: int
    title: str
    description: str
    url: str | None
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    location: str  # the event's own place text, then its venues: "Salle 2, Le Hangar (Lyon)"
    status: str  # "published" or "cancelled"
    sequence: int  # bumped by every change of time, place or status
    chat_ids: tuple[str, ...]  # the chats of the platform whose programme includes the event


async def events_to_mirror(session: AsyncSession, config: Config, platform: str, now: datetime, until: datetime,
                           *, keep_ids: Collection[int] = ()) -> list[MirroredEvent]:
    """The published and cancelled events not yet over that start before `until`, with their chats.

    `keep_ids`: events already mirrored, returned whatever their start (so a mirror can follow an
    event moved beyond its horizon instead of taking it for a deleted one). Events hosted by no
    venue bound on `platform` are left out, unless the platform has a network programme chat.
    """
    venue_chats: dict[int, list[str]] = {}
    for venue_id, chat_id in await session.execute(select(VenueChat.venue_id, VenueChat.chat_id).where(
            VenueChat.platform == platform, VenueChat.purpose == "announcements", VenueChat.venue_id.is_not(None))
            .order_by(VenueChat.id)):
        venue_chats.setdefault(venue_id, []).append(chat_id)
    network_chats = [chat.chat_id for chat in await programme_chats(session, config) if chat.platform == platform]
    if not venue_chats and not network_chats:
        return []
    spec = ProgrammeFilter(start=now, end=until, venue_ids=None if network_chats else frozenset(venue_chats),
                           include_cancelled=True)
    events = {event.id: event for event in await programme(session, spec)}
    missing = set(keep_ids) - set(events)
    if missing:
        kept = await session.execute(select(Event).where(
            Event.id.in_(missing), Event.ends_at > now, Event.status.in_(("published", "cancelled"))))
        events.update((event.id, event) for event in kept.scalars())
    hosts = await venues_of(session, events)
    found = []
    for event in sorted(events.values(), key=lambda e: (e.starts_at, e.id)):
        venues = hosts.get(event.id, [])
        chats = [chat for venue in venues for chat in venue_chats.get(venue.id, [])] + network_chats
        if chats:
            found.append(_record(event, venues, tuple(dict.fromkeys(chats))))
    return found


def _record(event: Event, venues: list[Venue], chats: tuple[str, ...]) -> MirroredEvent:
    places = [event.location.strip()] if event.location and event.location.strip() else []
    places += [f"{venue.name} ({venue.city})" if venue.city else venue.name for venue in venues]
    return MirroredEvent(event.id, event.title, event.description or "", event.url, event.starts_at, event.ends_at,
                         ", ".join(places), event.status, event.sequence, chats)
