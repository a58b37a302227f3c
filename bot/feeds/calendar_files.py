"""The calendar files the web face serves: each built from the `Database` in one short read.

The HTTP layer (`adapters/web/calendars.py`) calls these with `app.db` and never opens a session
itself. Each answers the file's bytes, or None when there is nothing to serve (an unknown venue, a
token that matches no one): the caller answers a plain 404 and never hints why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Config
from bot.feeds.calendar_tokens import member_by_token
from bot.feeds.export import calendar_bytes, member_calendar_bytes, network_events, venue_events
from storage.db import Database
from storage.venues import venue_by_slug

MAX_SLUG = 63  # longer is no venue of ours: answered without a query


@dataclass(frozen=True)
class CalendarFile:
    """An iCalendar file and the name it is offered under."""

    body: bytes
    filename: str


async def network_calendar(db: Database, config: Config, now: datetime) -> CalendarFile:
    """The whole network's programme."""
    async with db.session() as session:
        body = await calendar_bytes(session, await network_events(session, now), config.network.name,
                                    config.network.timezone, locale=config.network.default_locale)
    return CalendarFile(body, "network.ics")


async def venue_calendar(db: Database, config: Config, slug: str, now: datetime) -> CalendarFile | None:
    """One venue's programme, in the venue's own time zone; None for an unknown venue."""
    if len(slug) > MAX_SLUG:
        return None
    async with db.session() as session:
        venue = await venue_by_slug(session, slug)
        if venue is None:
            return None
        body = await calendar_bytes(session, await venue_events(session, venue.id, now),
                                    f"{venue.name} — {config.network.name}", venue.timezone,
                                    locale=config.network.default_locale)
    return CalendarFile(body, f"{slug}.ics")


async def member_calendar(db: Database, config: Config, token: str, now: datetime) -> CalendarFile | None:
    """The events a member is going to (and waiting for, marked), behind their private token; None for a token of no one."""
    async with db.session() as session:
        person = await member_by_token(session, token)
        if person is None:
            return None
        body = await member_calendar_bytes(session, person.id, now, config.network.name, config.network.timezone,
                                           config.network.default_locale)
    return CalendarFile(body, "my-events.ics")
