"""Reading the programme: upcoming events with filters, their venues, chats and people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.payloads import parse_id
from storage.models import Member, Venue, VenueChat
from storage.models.events import Event, EventVenue, Rsvp


@dataclass(frozen=True)
class ProgrammeFilter:
    """What /agenda, the digest and the CLI ask for. `venue_ids` None means every venue."""

    start: datetime
    end: datetime | None = None
    venue_ids: frozenset[int] | None = None
    tag: str | None = None
    include_cancelled: bool = False


def _filtered(statement, spec: ProgrammeFilter):
    # An event that has started but not ended is still "upcoming": people can still join it.
    statement = statement.where(Event.ends_at > spec.start)
    statement = statement.where(Event.status.in_(("published", "cancelled") if spec.include_cancelled
                                                  else ("published",)))
    if spec.end is not None:
        statement = statement.where(Event.starts_at < spec.end)
    if spec.venue_ids is not None:
        hosted = select(EventVenue.event_id).where(EventVenue.venue_id.in_(spec.venue_ids))
        statement = statement.where(Event.id.in_(hosted))
    if spec.tag:
        # JSON lists are stored as text on SQLite and json on PostgreSQL; both render '"tag"'.
        statement = statement.where(cast(Event.audience, String).like(f'%"{spec.tag}"%'))
    return statement


async def programme(session: AsyncSession, spec: ProgrammeFilter, *, limit: int | None = None,
                    offset: int = 0) -> list[Event]:
    statement = _filtered(select(Event), spec).order_by(Event.starts_at, Event.id).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list((await session.execute(statement)).scalars())


async def programme_count(session: AsyncSession, spec: ProgrammeFilter) -> int:
    statement = _filtered(select(func.count()).select_from(Event), spec)
    return int((await session.execute(statement)).scalar_one())


async def venues_of(session: AsyncSession, event_ids: Iterable[int]) -> dict[int, list[Venue]]:
    """The hosting venues of each event, main venue first."""
    ids = list(set(event_ids))
    found: dict[int, list[Venue]] = defaultdict(list)
    if not ids:
        return found
    rows = await session.execute(select(EventVenue.event_id, Venue).join(Venue, Venue.id == EventVenue.venue_id)
                                 .where(EventVenue.event_id.in_(ids))
                                 .order_by(EventVenue.event_id, EventVenue.position, Venue.name))
    for event_id, venue in rows:
        found[event_id].append(venue)
    return found


async def venue_ids_of(session: AsyncSession, event_id: int) -> list[int]:
    rows = await session.execute(select(EventVenue.venue_id).where(EventVenue.event_id == event_id)
                                 .order_by(EventVenue.position))
    return [venue_id for (venue_id,) in rows]


async def set_venues(session: AsyncSession, event: Event, venue_ids: Sequence[int]) -> None:
    """Make `venue_ids` (main first) the event's hosts; the main one is also `event.venue_id`."""
    current = {ev.venue_id: ev for ev in (await session.execute(
        select(EventVenue).where(EventVenue.event_id == event.id))).scalars()}
    for position, venue_id in enumerate(venue_ids):
        row = current.pop(venue_id, None)
        if row is None:
            session.add(EventVenue(event_id=event.id, venue_id=venue_id, position=position))
        else:
            row.position = position
    for row in current.values():
        await session.delete(row)
    event.venue_id = venue_ids[0] if venue_ids else None
    await session.flush()


async def announcement_chats(session: AsyncSession, config: Config, venue_ids: Iterable[int]) -> list[VenueChat]:
    """Where the programme of these venues is announced: their announcement chats, then the
    network programme chat(s), each (platform, chat) once."""
    ids = list(venue_ids)
    chats: list[VenueChat] = []
    if ids:
        chats += (await session.execute(select(VenueChat).where(
            VenueChat.venue_id.in_(ids), VenueChat.purpose == "announcements").order_by(VenueChat.id))).scalars()
    chats += await programme_chats(session, config)
    seen: set[tuple[str, str]] = set()
    unique = []
    for chat in chats:
        if (chat.platform, chat.chat_id) not in seen:
            seen.add((chat.platform, chat.chat_id))
            unique.append(chat)
    return unique


async def programme_chats(session: AsyncSession, config: Config) -> list[VenueChat]:
    """The network programme chats: bound with /link_network, or named in the config."""
    chats = list((await session.execute(select(VenueChat).where(
        VenueChat.venue_id.is_(None), VenueChat.purpose == "programme").order_by(VenueChat.id))).scalars())
    target = config.events.programme_target()
    if target is not None and all((c.platform, c.chat_id) != target for c in chats):
        # A transient row, never added to the session: notify_chat only reads its fields.
        chats.append(VenueChat(venue_id=None, platform=target[0], chat_id=target[1], purpose="programme"))
    return chats


async def all_linked_chats(session: AsyncSession, config: Config) -> list[VenueChat]:
    """Every venue announcement chat and the programme chat(s), each once (for the digest)."""
    venue_ids = (await session.execute(select(Venue.id))).scalars()
    return await announcement_chats(session, config, venue_ids)


async def members_with_rsvp(session: AsyncSession, event_id: int, statuses: Sequence[str]) -> list[tuple[Member, Rsvp]]:
    rows = await session.execute(select(Member, Rsvp).join(Rsvp, Rsvp.member_id == Member.id)
                                 .where(Rsvp.event_id == event_id, Rsvp.status.in_(statuses))
                                 .order_by(Rsvp.queued_at, Rsvp.id))
    return [(member, rsvp) for member, rsvp in rows]


async def get_event(session: AsyncSession, text: str) -> Event | None:
    """The event whose id is `text` (from a button payload or an argument); None if malformed."""
    event_id = parse_id(text)
    return await session.get(Event, event_id) if event_id is not None else None
