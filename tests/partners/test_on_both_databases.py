"""The stories whose queries differ between SQLite and PostgreSQL (JSON skill lists, grouped counts,
ISO weeks), run once on each."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobs.hosts import send_weekly_pulses, summarise_pulses
from jobs.partners import close_opportunities
from storage.models import Activity, Role, Venue, VenueChat
from storage.models.events import Event, EventVenue
from testkit import T0, People
from tests_partners_helpers import post


async def test_opportunity_and_pulse_on_both_databases(any_app, memory, clock):
    app, people = any_app, People(any_app, clock)
    poster = await people.add("Paula", user_id="1")
    ana = await people.add("Ana", offers=["3d-printing"], user_id="10")
    async with app.db.session() as session:
        venues = dict((await session.execute(select(Venue.slug, Venue.id))).all())
        session.add(Role(member_id=poster, role="partner", venue_id=venues["universite"]))
        session.add(Role(member_id=ana, role="host", venue_id=venues["hangar"]))
        session.add(VenueChat(venue_id=None, platform="memory", chat_id="-500", purpose="hosts", title="Hôtes"))
        event = Event(title="Café", starts_at=T0 + timedelta(days=1), ends_at=T0 + timedelta(days=1, hours=2),
                      status="published", venue_id=venues["hangar"], audience=[], source="chat")
        event.venues = [EventVenue(venue_id=venues["hangar"], position=0)]
        session.add(event)
    assert "proposée à 1 membre" in (await post(memory.user("1")))[0].text
    await app.dispatcher.drain()
    [proposal] = [d for d in memory.to_user("10") if "Stage prototypage" in d.text]
    await memory.user("10").press(proposal.reply.all_buttons()[0])
    assert await send_weekly_pulses(app) == 1
    await app.dispatcher.drain()
    [pulse] = [d for d in memory.to_user("10") if "Le point de la semaine" in d.text]
    await memory.user("10").press(pulse.reply.all_buttons()[1])
    assert await summarise_pulses(app) == 1
    clock.advance(days=30)
    assert await close_opportunities(app) == 1
    await app.dispatcher.drain()
    assert [d for d in memory.to_chat("-500") if "Ana (Le Hangar)" in d.text]
    [closed] = [d for d in memory.to_user("1") if "est close" in d.text]
    assert "intéressé·es : 1" in closed.text
    async with app.db.session() as session:
        posted = (await session.execute(select(Activity).where(Activity.kind == "opportunity_posted"))).scalar_one()
    assert posted.public and posted.member_id is None and posted.data["title"] == "Stage prototypage, 3 mois"
