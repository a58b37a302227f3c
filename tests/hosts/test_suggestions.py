"""Collaboration suggestions on seeded data (each kind) and the co-hosting double opt-in:
accepted (a draft with both venues, then published) and declined; forged presses refused."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.hosts.suggestions import suggestions_for
from bot.types import Button
from storage.models import Venue
from storage.models.events import Event, EventVenue
from storage.models.intro_requests import IntroRequest
from storage.models.hosts_partners import CohostProposal
from testkit import People
from tests_hosts_helpers import add_event, make_host, venue_id

EVENING = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)  # a Thursday, 19h in Paris


async def hosts(app, people, cleo_locale: str = "fr"):
    ana = await people.add("Ana", user_id="10")
    cleo = await people.add("Cléo", venue="fabrique", user_id="30", locale=cleo_locale)
    await make_host(app, ana, "hangar")
    await make_host(app, cleo, "fabrique")
    return ana, cleo


async def test_need_offer_suggestion_accepted_becomes_a_cohosted_event(app, memory, people):
    await hosts(app, people)
    for i in range(3):
        await people.add(f"Chercheur {i}", needs=["3d-printing"], user_id=str(100 + i))
    for i in range(2):
        await people.add(f"Offreur {i}", venue="fabrique", offers=["3d-printing"], user_id=str(200 + i))
    ana = memory.user("10")
    shown = await ana.send("/suggestions")
    text = "\n".join(r.text for r in shown)
    assert "moins de 5 de tes membres cherchent « Impression 3D » ; La Fabrique en a moins de 5" in text
    sent = await ana.press("Proposer un événement commun")
    assert "envoyé aux hôtes de La Fabrique" in sent[0].text
    again = await ana.send("/suggestions")
    assert "(Déjà proposé.)" in "\n".join(r.text for r in again)
    await app.dispatcher.drain()
    [ask] = memory.to_user("30")
    assert "Ana, hôte du lieu Le Hangar" in ask.text
    # Ana cannot accept her own proposal; a member who hosts nothing cannot either
    assert "plus valable" in (await ana.press(ask.reply.all_buttons()[0]))[0].text
    cleo = memory.user("30")
    opened = await cleo.press(ask.reply.all_buttons()[0])
    assert "brouillon" in opened[0].text
    assert opened[1].title == "Atelier commun : Impression 3D"
    assert "La Fabrique" in opened[1].text and "Le Hangar" in opened[1].text
    # the draft can be opened again (a conversation left before publishing), by her only
    await cleo.send("/annuler")
    reopened = await cleo.press(ask.reply.all_buttons()[0])
    assert reopened[1].title == "Atelier commun : Impression 3D"
    await cleo.press(Button("x", "ev.pub"))
    async with app.db.session() as session:
        event = (await session.execute(select(Event).where(Event.title == "Atelier commun : Impression 3D"))).scalar_one()
        hosts_of = (await session.execute(select(EventVenue.venue_id).where(EventVenue.event_id == event.id)
                                          .order_by(EventVenue.position))).scalars().all()
        proposal = (await session.execute(select(CohostProposal))).scalar_one()
    assert event.status == "published"
    assert hosts_of == [await venue_id(app, "fabrique"), await venue_id(app, "hangar")]
    assert proposal.status == "accepted"
    await app.dispatcher.drain()
    assert any("acceptent" in d.text for d in memory.to_user("10"))
    # once published, the proposal's buttons are spent
    assert "plus valable" in (await cleo.press(ask.reply.all_buttons()[1]))[0].text
    assert "plus valable" in (await cleo.press(ask.reply.all_buttons()[0]))[0].text


async def test_complement_suggestion_declined_tells_the_proposer(app, memory, people):
    await hosts(app, people, cleo_locale="en")
    await people.add("A1", needs=["welding"], offers=["accounting"], user_id="101")
    await people.add("A2", needs=["joinery"], user_id="102")
    await people.add("F1", venue="fabrique", offers=["welding", "joinery"], needs=["accounting"], user_id="201")
    ana = memory.user("10")
    shown = await ana.send("/suggestions hangar")
    [idea] = [r for r in shown if "se croisent peu" in r.text]
    assert "La Fabrique" in idea.text
    await ana.press(idea.all_buttons()[0])
    await app.dispatcher.drain()
    [ask] = memory.to_user("30")
    assert "rarely meet" in ask.text and "host of Le Hangar" in ask.text  # in Cléo's language
    declined = await memory.user("30", language="en").press(ask.reply.all_buttons()[1])
    assert "Noted" in declined[0].text
    await app.dispatcher.drain()
    assert any("ne donnent pas suite" in d.text for d in memory.to_user("10"))


async def test_same_evening_events_in_neighbouring_venues(app, memory, people):
    ana = await people.add("Ana", user_id="10")
    await make_host(app, ana, "hangar")
    await add_event(app, "hangar", "Atelier impression 3D", EVENING)
    await add_event(app, "universite", "Impression 3D pour étudiants", EVENING)  # Nantes too
    await add_event(app, "moulin", "Impression 3D au Moulin", EVENING)  # Clisson: not a neighbour
    shown = await memory.user("10").send("/suggestions")
    [idea] = [r for r in shown if "même soir" in r.text]
    assert "Université" in idea.text and "3 déc" in idea.text
    assert "Moulin" not in "\n".join(r.text for r in shown)
    answer = await memory.user("10").press(idea.all_buttons()[0])
    assert "pas encore d'hôte" in answer[0].text  # the university has no host to ask


async def test_forged_and_stale_proposals_are_refused(app, memory, people):
    await hosts(app, people)
    ana = memory.user("10")
    fabrique, hangar = await venue_id(app, "fabrique"), await venue_id(app, "hangar")
    # a payload for a suggestion that does not exist, and one for a venue Ana does not host
    assert "plus valable" in (await ana.press(Button("x", "cohost.pr", f"n:{hangar}:{fabrique}:1")))[0].text
    assert "plus valable" in (await ana.press(Button("x", "cohost.pr", f"n:{fabrique}:{hangar}:1")))[0].text
    assert "plus valable" in (await ana.press(Button("x", "cohost.acc", "99999")))[0].text
    none = await ana.send("/suggestions")
    assert "Pas d'idée" in none[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(CohostProposal))).first() is None


async def test_venues_that_already_meet_get_no_complement_suggestion(any_app, memory, clock):
    app, people = any_app, People(any_app, clock)
    a1 = await people.add("A1", needs=["welding"], offers=["accounting"], user_id="101")
    await people.add("A2", needs=["joinery"], user_id="102")
    f1 = await people.add("F1", venue="fabrique", offers=["welding", "joinery"], needs=["accounting"], user_id="201")

    async def kinds() -> list[str]:
        async with app.db.session() as session:
            hangar = (await session.execute(select(Venue).where(Venue.slug == "hangar"))).scalar_one()
            return [s.kind for s in await suggestions_for(session, app.config, hangar, clock.now())]

    assert "complement" in await kinds()
    async with app.db.session() as session:
        for _ in range(2):
            session.add(IntroRequest(requester_id=a1, addressee_id=f1, status="accepted", context="",
                                     expires_at=clock.now(), responded_at=clock.now()))
    assert "complement" not in await kinds()
