"""Data the hosts' tests share: roles, events and a bound hosts' chat written straight to the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from storage.models import Role, Venue, VenueChat
from storage.models.events import Event, EventVenue


async def venue_id(app, slug: str) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()


async def make_host(app, member_id: int, slug: str = "hangar") -> None:
    vid = await venue_id(app, slug)
    async with app.db.session() as session:
        session.add(Role(member_id=member_id, role="host", venue_id=vid))


async def add_event(app, slug: str, title: str, starts: datetime, *, audience: list[str] | None = None,
                    status: str = "published") -> int:
    vid = await venue_id(app, slug)
    async with app.db.session() as session:
        event = Event(title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), status=status,
                      venue_id=vid, audience=audience or [], source="chat", timezone="Europe/Paris")
        event.venues = [EventVenue(venue_id=vid, position=0)]
        session.add(event)
        await session.flush()
        return event.id


async def bind_hosts_chat(app, chat_id: str = "-500") -> None:
    async with app.db.session() as session:
        session.add(VenueChat(venue_id=None, platform="memory", chat_id=chat_id, purpose="hosts", title="Hôtes"))
