"""Announcing imported events: once each, when they come within a week, a few at a time.

A feed brings months of occurrences at once; announcing them all on import would flood the venue
chats. So an imported event is announced (through part A's `announce_event`, once per chat ever)
on a sync where it starts within `ANNOUNCE_AHEAD` — for most events the sync that imports them —
at most `ANNOUNCE_PER_RUN` per feed and run, soonest first (the rest follow on the next runs).
Events held by a pending "same event?" question wait for the answer. While the network has no
announcement chat at all, nothing is announced (nor marked announced): linking a chat later
announces the coming week's imported events then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.announce import announce_event
from bot.events.queries import programme_chats
from storage.models.events import Event
from storage.models.feeds import EventDuplicateQuestion
from storage.models.network import VenueChat

ANNOUNCE_AHEAD = timedelta(days=7)
ANNOUNCE_PER_RUN = 10


async def any_announcement_chat(session: AsyncSession, config: Config) -> bool:
    venue_chat = await session.execute(select(VenueChat.id).where(VenueChat.purpose == "announcements").limit(1))
    return venue_chat.first() is not None or bool(await programme_chats(session, config))


async def announce_due(session: AsyncSession, config: Config, source_id: int, now: datetime) -> int:
    """Announce this source's published, not yet announced events starting within ANNOUNCE_AHEAD."""
    if not await any_announcement_chat(session, config):
        return 0
    held = select(EventDuplicateQuestion.duplicate_id).where(EventDuplicateQuestion.status == "pending")
    events = (await session.execute(select(Event).where(
        Event.feed_source_id == source_id, Event.status == "published", Event.announced_at.is_(None),
        Event.starts_at >= now, Event.starts_at <= now + ANNOUNCE_AHEAD, Event.id.notin_(held))
        .order_by(Event.starts_at, Event.id).limit(ANNOUNCE_PER_RUN))).scalars().all()
    for event in events:
        await announce_event(session, config, event, now)
    return len(events)
