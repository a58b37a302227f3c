"""Turning feed occurrences into Event rows and back: field mapping, keys, co-host venues.

Kept apart from the sync's decisions so the mapping is written once (insert, update, re-key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from adapters.sources import FeedOccurrence
from storage.models.base import UTCDateTime
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

    The first import of a network is tens of thousands of rows, so this is the hot path:
    - SQLite: plain DBAPI executemany of pre-formatted values (see `_SqliteRows`), in the session's
      transaction; SQLAlchemy's per-row parameter processing cost ~55 µs a row, ten times the insert.
    - PostgreSQL: Core executemany with RETURNING, which SQLAlchemy batches into multi-row INSERTs.
    """
    if not rows:
        return []
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        return await _insert_sqlite(connection, rows, source_id, venue_id, now)
    ids = list((await session.execute(
        insert(Event.__table__).returning(Event.__table__.c.id, sort_by_parameter_order=True), rows)).scalars())
    await session.execute(insert(EventVenue.__table__), [
        {"event_id": event_id, "venue_id": venue_id, "position": 0, "created_at": now} for event_id in ids])
    return ids


async def _insert_sqlite(connection: AsyncConnection, rows: list[dict], source_id: int, venue_id: int,
                         now: datetime) -> list[int]:
    events = _SqliteRows(Event.__table__)
    before = (await connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM events")).scalar_one()
    await connection.exec_driver_sql(events.statement, [events.values(row) for row in rows])
    # The session's transaction holds SQLite's write lock (BEGIN IMMEDIATE), and SQLite gives a new
    # row max(rowid) + 1: the rows got before+1 ... before+n, in order. Checked, not assumed: if the
    # table ever used AUTOINCREMENT or reached the largest rowid, the ids are looked up by key.
    count, low, high = (await connection.exec_driver_sql(
        "SELECT count(*), min(id), max(id) FROM events WHERE id > ?", (before,))).one()
    if (count, low, high) == (len(rows), before + 1, before + len(rows)):
        ids = list(range(before + 1, before + len(rows) + 1))
    else:
        ids = await _ids_by_key(connection, rows, source_id, now)
    hosts = _SqliteRows(EventVenue.__table__)
    await connection.exec_driver_sql(hosts.statement, [
        hosts.values({"event_id": event_id, "venue_id": venue_id, "position": 0, "created_at": now})
        for event_id in ids])
    return ids


async def _ids_by_key(connection: AsyncConnection, rows: list[dict], source_id: int, now: datetime) -> list[int]:
    keys = {(row["source_uid"], row["recurrence_id"]) for row in rows}
    found = {(uid, rid): event_id for event_id, uid, rid in await connection.execute(
        select(Event.id, Event.source_uid, Event.recurrence_id).where(
            Event.feed_source_id == source_id, Event.source == source_tag(source_id), Event.created_at == now))
        if (uid, rid) in keys}
    return [found[(row["source_uid"], row["recurrence_id"])] for row in rows]


class _SqliteRows:
    """An INSERT of every column but the id, with values stored exactly as SQLAlchemy stores them on
    SQLite (tests/feeds/test_records.py compares the two): aware datetimes as naive UTC text with
    microseconds, JSON as its `json.dumps` text, booleans as 0/1. Only the column types of these
    two models are handled; any other type fails loudly rather than being stored differently."""

    _cache: dict[str, tuple[str, Callable[[dict], tuple], tuple[tuple[int, Callable], ...]]] = {}

    def __init__(self, table: Table) -> None:
        cached = self._cache.get(table.name)
        if cached is None:
            columns = [column for column in table.columns if not column.primary_key or column.foreign_keys]
            names = ", ".join(column.name for column in columns)
            marks = ", ".join("?" for _ in columns)
            converters = tuple((position, convert) for position, column in enumerate(columns)
                               if (convert := _sqlite_converter(column)) is not None)
            cached = self._cache[table.name] = (f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
                                                itemgetter(*(column.name for column in columns)), converters)
        self.statement, self._get, self._converters = cached

    def values(self, row: dict) -> tuple:
        values = list(self._get(row))
        for position, convert in self._converters:
            values[position] = convert(values[position])
        return tuple(values)


@lru_cache(maxsize=8192)  # `now` fills three columns of every row, and recurring events share times
def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; use an aware UTC datetime")
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_json(value: object) -> str | None:
    if value is None:
        return None
    return "[]" if value == [] else json.dumps(value)  # "[]": every imported event's audience


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _sqlite_converter(column: Column):  # type: ignore[no-untyped-def]
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _sqlite_datetime
    if isinstance(kind, JSON):
        return _sqlite_json
    if isinstance(kind, Boolean):
        return _sqlite_bool
    if isinstance(kind, (Integer, String)):  # Text is a String
        return None
    raise TypeError(f"no raw SQLite conversion for {column.table.name}.{column.name} ({kind!r})")


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
