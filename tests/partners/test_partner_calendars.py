"""Feeds per audience and per partner over real HTTP (the ASGI app), on SQLite and PostgreSQL:
the right events, ETags, and a plain 404 for what does not exist."""

from __future__ import annotations

from datetime import timedelta

import httpx
from icalendar import Calendar
from sqlalchemy import select

from adapters.web import build_asgi
from storage.models import Venue
from storage.models.events import Event, EventVenue
from testkit import T0


async def add_event(app, slug: str, title: str, days: int, audience: list[str]) -> None:
    async with app.db.session() as session:
        vid = (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
        start = T0 + timedelta(days=days)
        event = Event(title=title, starts_at=start, ends_at=start + timedelta(hours=2), status="published",
                      venue_id=vid, audience=audience, source="chat")
        event.venues = [EventVenue(venue_id=vid, position=0)]
        session.add(event)


async def get(app, path: str, **headers) -> httpx.Response:
    transport = httpx.ASGITransport(app=build_asgi(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://maillage.test") as client:
        return await client.get(path, headers=headers)


def titles(response: httpx.Response) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT"))


async def test_audience_and_partner_feeds(any_app):
    app = any_app
    await add_event(app, "hangar", "Hackathon étudiant", 2, ["students"])
    await add_event(app, "fabrique", "Café emploi", 3, ["job_seekers"])
    await add_event(app, "universite", "Portes ouvertes", 4, [])
    await add_event(app, "moulin", "Soirée jeux", 5, ["families"])
    students = await get(app, "/calendar/audience/students.ics")
    assert students.status_code == 200 and students.headers["content-type"].startswith("text/calendar")
    assert titles(students) == ["Hackathon étudiant"]
    assert "Réseau Test" in students.text
    # the university's own events and the students' ones
    university = await get(app, "/calendar/partner/universite.ics")
    assert titles(university) == ["Hackathon étudiant", "Portes ouvertes"]
    again = await get(app, "/calendar/partner/universite.ics", **{"if-none-match": university.headers["etag"]})
    assert again.status_code == 304
    assert (await get(app, "/calendar/audience/martians.ics")).status_code == 404
    assert (await get(app, "/calendar/partner/hangar.ics")).status_code == 404  # not a partner
    assert (await get(app, "/calendar/partner/" + "x" * 100 + ".ics")).status_code == 404
