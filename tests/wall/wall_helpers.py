"""Helpers for the wall tests: the web face in-process, members on the wall, events and introductions."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sqlalchemy import select

from adapters.web import build_asgi
from storage.models import Venue
from storage.models.events import Event
from storage.models.intro_requests import IntroRequest
from storage.models.wall import WallConsent


def client(app) -> httpx.AsyncClient:
    """An HTTP client talking to the app's web face without a socket."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=build_asgi(app)), base_url="http://wall.test")


async def show_on_wall(app, member_id: int) -> None:
    async with app.db.session() as session:
        session.add(WallConsent(member_id=member_id, created_at=app.clock.now()))


async def venue_id(app, slug: str) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()


async def event(app, title: str, starts_at: datetime, *, venues=("hangar",), capacity=None, status="published") -> int:
    from bot.events.queries import set_venues

    async with app.db.session() as session:
        ids = [(await session.execute(select(Venue.id).where(Venue.slug == s))).scalar_one() for s in venues]
        row = Event(title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), timezone="Europe/Paris",
                    capacity=capacity, status=status, audience=[], published_at=app.clock.now())
        session.add(row)
        await session.flush()
        await set_venues(session, row, ids)
        return row.id


async def accepted_requests(app, pairs: list[tuple[int, int]], at: datetime) -> None:
    """Introductions on request, accepted at `at`, between the given member ids."""
    async with app.db.session() as session:
        for requester, addressee in pairs:
            session.add(IntroRequest(requester_id=requester, addressee_id=addressee, status="accepted",
                                     created_at=at, expires_at=at + timedelta(days=7), responded_at=at))
