"""Turning feed occurrences into Event rows and back: field mapping, keys, co-host venues.

Kept apart from the sync's decisions so the mapping is written once (insert, update, re-key).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sources import FeedOccurrence
from storage.models.events import Event, EventVenue, FeedSource

UID_LIMIT = 500  # Event.source_uid / FeedLink.source_uid length
TITLE_LIMIT = 200
URL_LIMIT = 500


def source_tag(source_id: int) -> str:
    """`Event.source` of events imported from a feed."""
    return f"feed:{source_id}"


def stored_uid(uid: str) -> str:
    """A UID that fits the column; a longer one is cut and suffixed with its hash, so it stays unique."""
    if len(uid) <= UID_LIMIT:
        return uid
    digest = hashlib.sha256(uid.encode()).hexdigest()[:32]
    return f"{uid[:UID_LIMIT - 33]}#{digest}"


def occurrence_key(occurrence: FeedOccurrence) -> tuple[str, str]:
    return stored_uid(occurrence.source_uid), occurrence.recurrence_id


def content_fields(occurrence: FeedOccurrence, default_zone: str) -> dict:
    """The Event columns a feed decides (title, times, place, links)."""
    return {
        "title": (occurrence.title.strip() or "…")[:TITLE_LIMIT],
        "description": occurrence.description,
        "url": occurrence.url[:URL_LIMIT] or None,
        "location": occurrence.location,
        "starts_at": occurrence.start,
        "ends_at": occurrence.end,
        # Floating and UTC times carry no zone: they are shown in the venue's.
        "timezone": occurrence.timezone or default_zone,
        "all_day": occurrence.all_day,
        "fingerprint": occurrence.fingerprint,
    }


def new_event_row(occurrence: FeedOccurrence, source: FeedSource, default_zone: str, now: datetime) -> dict:
    """Every column of a new imported Event, for a bulk INSERT (which applies no ORM defaults)."""
    uid, recurrence_id = occurrence_key(occurrence)
    return {
        **content_fields(occurrence, default_zone),
        "capacity": None,
        "going_count": 0,
        "status": "published",
        "audience": [],
        "venue_id": source.venue_id,
        "created_by_id": None,
        "source": source_tag(source.id),
        "feed_source_id": source.id,
        "source_uid": uid,
        "recurrence_id": recurrence_id,
        "sequence": 0,
        "published_at": now,
        "announced_at": None,
        "cancelled_at": None,
        "created_at": now,
        "updated_at": now,
    }


async def insert_events(session: AsyncSession, rows: list[dict], source_id: int, venue_id: int,
                        now: datetime) -> list[int]:
    """Bulk-insert imported events with their main venue; returns their ids in `rows` order.

    A plain executemany, then one SELECT for the ids: INSERT ... RETURNING with a guaranteed order
    makes SQLAlchemy insert row by row on SQLite, ten times slower for a big feed.
    """
    if not rows:
        return []
    # Core executemany: the ORM's bulk path costs several times more per row for big feeds.
    await session.execute(insert(Event.__table__), rows)
    keys = {(row["source_uid"], row["recurrence_id"]) for row in rows}
    found = {(uid, rid): event_id for event_id, uid, rid in await session.execute(
        select(Event.id, Event.source_uid, Event.recurrence_id).where(
            Event.feed_source_id == source_id, Event.source == source_tag(source_id), Event.created_at == now))
        if (uid, rid) in keys}
    ids = [found[(row["source_uid"], row["recurrence_id"])] for row in rows]
    await session.execute(insert(EventVenue.__table__), [
        {"event_id": event_id, "venue_id": venue_id, "position": 0, "created_at": now} for event_id in ids])
    return ids


async def add_cohost(session: AsyncSession, event_id: int, venue_id: int, now: datetime) -> bool:
    """Add a venue to an event's hosts (last position); False when it already hosts it."""
    present = await session.get(EventVenue, (event_id, venue_id))
    if present is not None:
        return False
    last = (await session.execute(select(func.max(EventVenue.position)).where(EventVenue.event_id == event_id))
            ).scalar_one_or_none()
    session.add(EventVenue(event_id=event_id, venue_id=venue_id, position=(last or 0) + 1, created_at=now))
    await session.flush()
    return True


async def remove_cohost(session: AsyncSession, event: Event, venue_id: int) -> bool:
    """Remove a co-hosting venue; the main venue (position 0) is never removed this way."""
    if event.venue_id == venue_id:
        return False
    result = await session.execute(delete(EventVenue).where(EventVenue.event_id == event.id,
                                                            EventVenue.venue_id == venue_id))
    return bool(result.rowcount)
