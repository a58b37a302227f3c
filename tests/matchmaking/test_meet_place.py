"""Where to meet: the venue that suits both, maybe at an event, in the proposal (each reader's trip
first), the reveal (with the event's RSVP button), the dry-run JSON, and both platforms' renderings.

The test network: Le Hangar (Nantes) and La Fabrique (Saint-Nazaire) are 50 km apart; the tests add
La Halle (26 km from Le Hangar, 24 from La Fabrique), Le Relais (18 and 35 km) and Le Loin (Rennes).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import select

from adapters.discord.convert import render as discord_render
from adapters.telegram.convert import render as telegram_render
from bot.i18n import Translator
from bot.matchmaking import meeting_place, preview
from bot.matchmaking.meeting_place import EventInfo, Place, Places
from bot.matchmaking.run import prepare, run_round
from storage.models import Venue
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.matchmaking import Introduction
from tests.features.matchmaking.conftest import any_net  # noqa: F401 -- the fixture, on SQLite and PostgreSQL

PLACES = {"halle": ("La Halle", 47.25, -1.90), "relais": ("Le Relais", 47.30, -1.75), "loin": ("Le Loin", 48.11, -1.68)}
THURSDAY = datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc)  # jeu. 3 déc. 18h30 in Paris


async def add_venues(app, *slugs) -> dict[str, int]:
    async with app.db.session() as session:
        for slug in slugs:
            name, lat, lon = PLACES[slug]
            session.add(Venue(slug=slug, name=name, kind="tiers-lieu", city="", latitude=lat, longitude=lon,
                              timezone="Europe/Paris", join_code=f"code-{slug}"))
        await session.flush()
        return dict((await session.execute(select(Venue.slug, Venue.id))).all())


async def add_event(app, venue_id, title, starts, *, status="published", capacity=None, going=0) -> int:
    async with app.db.session() as session:
        event = Event(title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), status=status,
                      venue_id=venue_id, capacity=capacity, going_count=going, source="chat", timezone="Europe/Paris")
        event.venues = [EventVenue(venue_id=venue_id, position=0)]
        session.add(event)
        await session.flush()
        return event.id


async def pair(net, ana_venue="hangar", hugo_venue="fabrique"):
    ana = await net.member("Ana", ana_venue, needs="3d-printing")
    hugo = await net.member("Hugo", hugo_venue, offers="3d-printing", locale="en")
    return ana, hugo


async def the_intro(app) -> Introduction:
    async with app.db.session() as session:
        return (await session.execute(select(Introduction))).scalar_one()


async def dry_run(app, clock) -> dict:
    async with app.db.session() as session:
        prepared = await prepare(session, app.config, clock.now())
        return await preview.document(session, prepared, Translator("en"))


# -- the choice, as pure functions ----------------------------------------------------------------

def grid(points: dict[int, tuple[float, float]], events=None, partners=()) -> Places:
    ids = sorted(points)
    return Places(ids, meeting_place.distances([points[i] for i in ids]),
                  np.array([i not in partners for i in ids], dtype=bool), events or {})


A, B, MIDDLE, NEAR_A, FAR = (0.0, 0.0), (0.0, 1.0), (0.0, 0.5), (0.0, 0.1), (3.0, 0.5)  # ~111 km per degree


def test_the_venue_minimising_the_longer_trip_wins_then_the_total():
    places = grid({1: A, 2: B, 3: MIDDLE, 4: NEAR_A})
    chosen = places.choose([1, 2], ["either", "in_person"])
    assert (chosen.mode, chosen.venue_id, chosen.event) == ("in_person", 3, None)
    assert [round(km) for km in chosen.km] == [56, 56]
    # Two venues as far for the longer trip: the smaller total wins (5 is nearer to A than 6 is).
    tied = grid({1: A, 2: B, 5: (0.0, 0.5), 6: (0.2, 0.5)})
    assert tied.choose([1, 2], ["in_person", "in_person"]).venue_id == 5
    # Same venue: there, on site.
    assert places.choose([4, 4], ["either", "either"]) == Place("in_person", 4, None, (0.0, 0.0))


def test_an_event_wins_within_a_short_detour_only():
    soon = EventInfo(9, "Apéro", THURSDAY, "Europe/Paris")
    far_event = grid({1: A, 2: B, 3: MIDDLE, 4: (0.45, 0.5)}, events={4: [soon]})  # 4: ~50 km off the middle
    assert far_event.choose([1, 2], ["in_person", "either"]).event is None  # longer trip 75 km > 56 + 14
    close_event = grid({1: A, 2: B, 3: MIDDLE, 4: (0.1, 0.5)}, events={4: [soon]})  # 4: ~11 km off the middle
    chosen = close_event.choose([1, 2], ["in_person", "either"])
    assert (chosen.venue_id, chosen.event) == (4, soon)


def test_only_events_both_could_attend_count():
    at = THURSDAY - timedelta(days=5)
    rows = [(1, 10, "Complet pour deux", THURSDAY, "Europe/Paris", 10, 9, []),
            (1, 11, "Étudiant·es", THURSDAY, "Europe/Paris", None, 0, ["students"]),
            (1, 12, "Trop tôt", at, "Europe/Paris", None, 0, []),
            (1, 14, "Pour tous", THURSDAY + timedelta(hours=1), None, 20, 18, ["everyone", "students"]),
            (1, 13, "Ouvert", THURSDAY, "Europe/Paris", None, 0, [])]
    found = meeting_place.upcoming(rows, at + timedelta(hours=72), at + meeting_place.EVENT_HORIZON)
    assert [(e.id, e.timezone) for e in found[1]] == [(13, "Europe/Paris"), (14, "Europe/Paris")]


def test_missing_coordinates_fall_back_to_their_own_venues_and_far_either_pairs_go_video():
    soon = EventInfo(9, "Atelier", THURSDAY, "Europe/Paris")
    places = grid({1: A, 2: B, 3: FAR}, events={7: [soon]})
    assert places.choose([1, 8], ["either", "either"]) == Place("in_person", 1, None, (0.0, None))
    assert places.choose([8, 7], ["either", "either"]) == Place("in_person", 7, soon, (None, None))  # the one with an event
    assert places.choose([None, None], ["either", "either"]) == Place("in_person", None, None, (None, None))
    # 330 km apart: "either" becomes video; someone who said "in person" still gets the best place.
    assert places.choose([1, 3], ["either", "either"]).mode == "video"
    assert places.choose([1, 3], ["in_person", "either"]).mode == "in_person"
    assert places.choose([1, 2], ["video", "either"]) == Place("video")


def test_a_partner_organisation_is_no_meeting_place_unless_it_is_ones_own():
    places = grid({1: A, 2: B, 3: MIDDLE}, partners={3})
    assert places.choose([1, 2], ["in_person", "either"]).venue_id in (1, 2)
    assert grid({1: A, 3: MIDDLE}, partners={3}).choose([3, 3], ["either", "either"]).venue_id == 3


# -- the stories ----------------------------------------------------------------------------------

async def test_an_in_person_pair_is_told_the_venue_nearest_both_each_with_their_own_trip_first(app, net, clock):
    venues = await add_venues(app, "halle", "loin")
    ana, hugo = await pair(net)
    doc = await dry_run(app, clock)
    [intro] = doc["introductions"]
    assert intro["meet"]["mode"] == "in_person" and intro["meet"]["venue"] == "halle" and intro["meet"]["event"] is None
    text = preview.as_text(doc, Translator("en"), venues={"halle": "La Halle"})
    assert "\n   suggested place: La Halle" in text
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [to_ana], [to_hugo] = ana.inbox(), hugo.inbox()
    assert "\nVous pourriez vous retrouver à La Halle — 26 km pour toi, 24 km pour Hugo.\n\n" in to_ana.text
    assert "\nYou could meet at La Halle — 24 km for you, 26 km for Ana.\n\n" in to_hugo.text
    stored = await the_intro(app)
    assert (stored.meet_venue_id, stored.meet_event_id) == (venues["halle"], None)


async def test_the_first_event_they_could_attend_together_is_proposed_and_repeated_at_the_reveal(any_app, any_net,
                                                                                               clock):
    app, net = any_app, any_net  # on SQLite and on PostgreSQL
    venues = await add_venues(app, "halle", "relais")
    ana, hugo = await pair(net)
    # Not these: full, cancelled, before they could have answered (72 h), beyond the fortnight.
    await add_event(app, venues["halle"], "Complet", THURSDAY, capacity=10, going=10)
    await add_event(app, venues["halle"], "Annulé", THURSDAY, status="cancelled")
    await add_event(app, venues["halle"], "Trop tôt", clock.now() + timedelta(hours=30))
    await add_event(app, venues["halle"], "Trop tard", clock.now() + timedelta(days=20))
    later = await add_event(app, venues["relais"], "Repair café", THURSDAY + timedelta(days=2))
    apero = await add_event(app, venues["relais"], "Apéro & jeux", THURSDAY)
    [intro] = (await dry_run(app, clock))["introductions"]
    assert {k: v for k, v in intro["meet"].items() if k != "km"} == {
        "mode": "in_person", "venue": "relais",
        "event": {"id": apero, "title": "Apéro & jeux", "starts_at": THURSDAY.isoformat()}}
    assert dict(zip([m["id"] for m in intro["members"]], intro["meet"]["km"])) == {ana.id: 17.5, hugo.id: 35.1}
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [to_ana], [to_hugo] = ana.inbox(), hugo.inbox()
    line = "Vous pourriez vous retrouver au Relais, pour « Apéro & jeux » le jeu. 3 déc. 18h30 — 18 km pour toi, 35 km pour Hugo."
    assert line in to_ana.text
    assert ('You could meet at Le Relais, at "Apéro & jeux" on Thu 3 Dec, 6:30 pm — 35 km for you, 18 km for Ana.'
            in to_hugo.text)
    stored = await the_intro(app)
    assert (stored.meet_venue_id, stored.meet_event_id) == (venues["relais"], apero) and later != apero

    # Both platforms render the line: Telegram escapes it as HTML, Discord keeps it with the buttons.
    telegram = telegram_render(to_ana.reply)
    assert "Apéro &amp; jeux" in "".join(telegram.chunks) and telegram.keyboard is not None
    discord = discord_render(to_ana.reply)
    assert "Apéro & jeux" in discord[-1].content and len(discord[-1].rows[0]) == 2

    await ana.user.press(to_ana.reply.all_buttons()[0])
    revealed = await hugo.user.press(to_hugo.reply.all_buttons()[0])
    assert 'You could meet at Le Relais, at "Apéro & jeux"' in revealed[0].text  # the presser's own reveal
    await app.dispatcher.drain()
    [reveal] = ana.inbox("Voici comment joindre")
    assert line in reveal.text
    going, cant = reveal.reply.all_buttons()  # "I'm going" to the event, then "I can't make it"
    assert cant.action == "mm.cant"
    assert (going.label, going.action, going.payload) == ("J'y vais : Apéro & jeux", "rsvp", f"{apero}:y")
    assert "Apéro &amp; jeux" in "".join(telegram_render(reveal.reply).chunks)
    assert discord_render(reveal.reply)[-1].rows[0][0].payload == f"{apero}:y"
    await ana.user.press(going)
    async with app.db.session() as session:
        assert (await session.execute(select(Rsvp.status).where(Rsvp.event_id == apero,
                                                                Rsvp.member_id == ana.id))).scalar_one() == "going"


async def test_a_video_pair_gets_no_place(app, net, clock):
    await add_venues(app, "halle")
    ana, hugo = await pair(net)
    await ana.user.send("/rencontres visio")
    doc = await dry_run(app, clock)
    assert doc["introductions"][0]["meet"] == {"mode": "video", "venue": None, "event": None, "km": []}
    assert "\n   to meet by video" in preview.as_text(doc, Translator("en"))
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [to_ana] = ana.inbox("Je te propose")
    [to_hugo] = hugo.inbox()
    assert "Vous pourriez vous parler en visio." in to_ana.text and "retrouver" not in to_ana.text
    assert "You could talk by video." in to_hugo.text and " km" not in to_hugo.text
    stored = await the_intro(app)
    assert (stored.meet_venue_id, stored.meet_event_id) == (None, None)
    await ana.user.press(to_ana.reply.all_buttons()[0])
    await hugo.user.press(to_hugo.reply.all_buttons()[0])
    await app.dispatcher.drain()
    [reveal] = ana.inbox("Voici comment joindre")
    assert "retrouver" not in reveal.text and [b.action for b in reveal.reply.all_buttons()] == ["mm.cant"]  # no RSVP: no place
    assert "Vous pourriez vous parler en visio." in reveal.text  # as the proposal said


async def test_an_either_pair_too_far_apart_is_told_video_at_the_reveal_too(app, net, clock):
    await add_venues(app, "loin")
    ana, hugo = await pair(net, "hangar", "loin")  # Nantes and Rennes, about 100 km: by video
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    [to_ana], [to_hugo] = ana.inbox(), hugo.inbox()
    assert "Vous pourriez vous parler en visio." in to_ana.text
    await ana.user.press(to_ana.reply.all_buttons()[0])
    [revealed] = await hugo.user.press(to_hugo.reply.all_buttons()[0])
    assert "You could talk by video." in revealed.text


async def test_without_coordinates_their_own_venue_is_proposed_without_distance(app, net, clock):
    venues = await add_venues(app, "halle")
    async with app.db.session() as session:
        moulin = (await session.execute(select(Venue.id).where(Venue.slug == "moulin"))).scalar_one()
    ana, zoe = await pair(net, "hangar", "moulin")  # Le Moulin has no coordinates
    await add_event(app, moulin, "Atelier", THURSDAY)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    assert "Vous pourriez vous retrouver au Moulin, pour « Atelier » le jeu. 3 déc. 18h30." in ana.inbox()[0].text
    assert (await the_intro(app)).meet_venue_id == moulin != venues["halle"]


async def test_a_one_off_introduction_gets_its_meeting_place_too(app, net, clock):
    venues = await add_venues(app, "halle", "relais")
    ana, hugo = await pair(net)
    apero = await add_event(app, venues["relais"], "Apéro & jeux", THURSDAY)
    [sent] = await ana.user.send("/rencontres maintenant")
    assert "Hugo" in sent.text
    await app.dispatcher.drain()
    [to_ana], [to_hugo] = ana.inbox("Je te propose"), hugo.inbox()
    line = "Vous pourriez vous retrouver au Relais, pour « Apéro & jeux » le jeu. 3 déc. 18h30 — 18 km pour toi, 35 km pour Hugo."
    assert line in to_ana.text
    assert 'You could meet at Le Relais, at "Apéro & jeux"' in to_hugo.text
    stored = await the_intro(app)
    assert (stored.source, stored.meet_venue_id, stored.meet_event_id) == ("one_off", venues["relais"], apero)
    await ana.user.press(to_ana.reply.all_buttons()[0])
    [revealed] = await hugo.user.press(to_hugo.reply.all_buttons()[0])
    assert 'You could meet at Le Relais, at "Apéro & jeux"' in revealed.text
