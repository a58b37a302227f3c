"""Helpers for the feed tests (imported by name: tests/feeds has no __init__.py): ICS builders,
members who host venues, queries. Adding a source and syncing it live in testkit (shared)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from storage.models.events import Event, EventVenue, Rsvp
from storage.models.members import Identity, Member
from storage.models.network import Role, Venue
from storage.models.runtime import OutboxMessage

from testkit import add_source, sync  # noqa: F401  (re-exported for the feed tests)

UTC = timezone.utc


def vevent(uid: str, title: str, start: datetime, *, hours: float = 2, location: str = "", extra: str = "",
           tzid: str | None = "Europe/Paris") -> str:
    end = start + timedelta(hours=hours)
    if tzid:
        times = f"DTSTART;TZID={tzid}:{start:%Y%m%dT%H%M%S}\r\nDTEND;TZID={tzid}:{end:%Y%m%dT%H%M%S}\r\n"
    else:
        times = f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
    place = f"LOCATION:{location}\r\n" if location else ""
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\n{times}SUMMARY:{title}\r\n{place}{extra}"
            "END:VEVENT\r\n")


def calendar(*events: str, header: str = "") -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + header + "".join(events)
            + "END:VCALENDAR\r\n").encode()


async def venue_id(app, slug: str) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()


async def add_member(app, user_id: str, name: str, *, host_of: str | None = None, locale: str = "fr") -> int:
    async with app.db.session() as session:
        member = Member(display_name=name, locale=locale)
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="memory", platform_user_id=user_id, display_name=name,
                             locale=locale, dm_status="open"))
        if host_of is not None:
            vid = (await session.execute(select(Venue.id).where(Venue.slug == host_of))).scalar_one()
            session.add(Role(member_id=member.id, role="host", venue_id=vid))
        return member.id


async def add_rsvp(app, event_id: int, member_id: int) -> None:
    async with app.db.session() as session:
        session.add(Rsvp(event_id=event_id, member_id=member_id, status="going"))
        event = await session.get(Event, event_id)
        event.going_count += 1


async def events(app, *, source_id: int | None = None) -> list[Event]:
    async with app.db.session() as session:
        statement = select(Event).order_by(Event.starts_at, Event.id)
        if source_id is not None:
            statement = statement.where(Event.feed_source_id == source_id)
        return list((await session.execute(statement)).scalars())


async def hosts_of(app, event_id: int) -> list[str]:
    async with app.db.session() as session:
        rows = await session.execute(select(Venue.slug).join(EventVenue, EventVenue.venue_id == Venue.id)
                                     .where(EventVenue.event_id == event_id).order_by(EventVenue.position))
        return list(rows.scalars())


async def outbox(app, purpose: str | None = None) -> list[OutboxMessage]:
    async with app.db.session() as session:
        statement = select(OutboxMessage).order_by(OutboxMessage.id)
        if purpose is not None:
            statement = statement.where(OutboxMessage.purpose == purpose)
        return list((await session.execute(statement)).scalars())


async def count(app, model) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()
