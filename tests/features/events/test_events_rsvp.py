"""RSVPs: going / not going, capacity, waiting list, promotion, and forged presses."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlalchemy import select

from bot.types import Button
from events_helpers import make_event, People, people  # noqa: F401 (fixture)
from storage.models.events import Event, Rsvp

THURSDAY = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)


async def _statuses(app, event_id: int) -> dict[int, str]:
    async with app.db.session() as session:
        rows = await session.execute(select(Rsvp.member_id, Rsvp.status).where(Rsvp.event_id == event_id))
        return dict(rows.all())


async def test_capacity_waiting_list_and_promotion_tell_the_right_people_once(app, memory, people):
    event_id = await make_event(app, "Repair café", THURSDAY, capacity=2)
    ana, bob, cleo = [await people.member(uid, name) for uid, name in (("1", "Ana"), ("2", "Bob"), ("3", "Cleo"))]
    going = Button("Je viens", "rsvp", f"{event_id}:y")
    assert "tu viens" in (await ana.press(going))[0].text
    assert "déjà inscrit" in (await ana.press(going))[0].text
    assert "tu viens" in (await bob.press(going))[0].text
    reply = (await cleo.press(going))[0]
    assert "complet" in reply.text and "n°1" in reply.text and reply.private
    async with app.db.session() as session:
        assert (await session.get(Event, event_id)).going_count == 2

    assert "ne viens plus" in (await ana.press(Button("x", "rsvp", f"{event_id}:n")))[0].text
    await app.dispatcher.drain()
    [told] = cleo.inbox()
    assert told.reply.title == "Une place s'est libérée : Repair café"
    assert told.text.endswith("Touche « Je ne viens pas » pour libérer ta place.")
    assert [b.label for b in told.reply.all_buttons()] == ["Je ne viens pas"]  # the button the text names
    assert ana.inbox() == [] and bob.inbox() == []
    assert set((await _statuses(app, event_id)).values()) == {"going", "cancelled"}
    # Pressing again changes nothing and tells nobody twice.
    await ana.press(Button("x", "rsvp", f"{event_id}:n"))
    await app.dispatcher.drain()
    assert len(cleo.inbox()) == 1
    # The seat count stayed right through it all.
    async with app.db.session() as session:
        assert (await session.get(Event, event_id)).going_count == 2


async def test_forged_or_stale_rsvp_presses_are_refused(app, memory, people, clock):
    ana = await people.member("1", "Ana")
    stranger = memory.user("99", "Not a member")
    event_id = await make_event(app, "Repair café", THURSDAY)
    assert "Rejoins d'abord" in (await stranger.press(Button("x", "rsvp", f"{event_id}:y")))[0].text
    assert "plus valable" in (await ana.press(Button("x", "rsvp", "999999:y")))[0].text
    assert "plus valable" in (await ana.press(Button("x", "rsvp", f"{event_id}:maybe")))[0].text
    assert "plus valable" in (await ana.press(Button("x", "rsvp", "1 OR 1=1:y")))[0].text
    async with app.db.session() as session:
        (await session.get(Event, event_id)).status = "cancelled"
    assert "annulé" in (await ana.press(Button("x", "rsvp", f"{event_id}:y")))[0].text
    late = await make_event(app, "Already started", THURSDAY)
    clock.set(THURSDAY.replace(minute=45))
    assert "déjà commencé" in (await ana.press(Button("x", "rsvp", f"{late}:y")))[0].text
    assert await _statuses(app, event_id) == {} and await _statuses(app, late) == {}


async def test_two_last_seat_presses_at_once_never_overbook(any_app, memory, clock):
    people = People(any_app, memory)
    event_id = await make_event(any_app, "Last seat", THURSDAY, capacity=1, announce=False)
    users = [await people.member(str(i), f"P{i}") for i in range(4)]
    going = Button("Je viens", "rsvp", f"{event_id}:y")
    replies = await asyncio.gather(*(user.press(going) for user in users))
    texts = [r[0].text for r in replies]
    assert sum("tu viens" in text for text in texts) == 1, texts
    statuses = await _statuses(any_app, event_id)
    assert list(statuses.values()).count("going") == 1
    async with any_app.db.session() as session:
        assert (await session.get(Event, event_id)).going_count == 1


async def test_myevents_lists_my_rsvps_and_my_venues_events(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    bob = await people.member("2", "Bob")
    event_id = await make_event(app, "Repair café", THURSDAY)
    await bob.press(Button("x", "rsvp", f"{event_id}:y"))
    mine = (await bob.send("/mesevenements"))[0]
    assert "jeu. 26 nov. 18h30–20h30 — Repair café (Le Hangar)" in mine.text and mine.private
    await bob.press("Je ne viens plus")
    assert "Tu n'es inscrit·e à rien" in (await bob.send("/mesevenements"))[0].text
    hosted = (await host.send("/mesevenements"))[0]
    assert "Dans tes lieux" in hosted.text and "0 inscrit·e" in hosted.text
    assert hosted.all_buttons()[0].action == "ev.ed"
