"""/myevents gives the member's private calendar link; /event does not repeat an imported event.

The duplicate case is the reverse of the importer's: the venue's online calendar brought the event
in first, then a host types it by chat. Feeds are real ICS files synced by the real importer.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
import pytest_asyncio
from sqlalchemy import select

from adapters.web import build_asgi
from bot.app import build_app
from bot.feeds.calendar_tokens import member_by_token
from bot.types import Button
from events_helpers import People, people, publish_fr  # noqa: F401 (fixture)
from storage.models.events import Event, EventVenue
from storage.models.network import Venue
from testkit import add_source, make_config, sync

THURSDAY = datetime(2026, 11, 26, 18, 30)  # "jeudi 18h30" seen from the test clock, Paris wall time


@pytest_asyncio.fixture
async def web_app(sqlite_url, memory, clock):
    """The bot with a [web] section: it serves calendars at a public address."""
    app = await build_app(make_config(sqlite_url, '\n[web]\npublic_url = "https://maillage.example/"\n'),
                          adapters=[memory], clock=clock, migrate=False)
    await memory.start(app.core)
    yield app
    await app.close()


async def import_feed(app, tmp_path, slug: str, title: str, start: datetime = THURSDAY, location: str = "") -> None:
    """One event in `slug`'s online calendar, synced (and announced) by the importer."""
    end = start + timedelta(hours=2)
    where = f"LOCATION:{location}\r\n" if location else ""
    path = tmp_path / f"{slug}.ics"
    path.write_bytes((
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:feed-1\r\n"
        f"DTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}\r\n"
        f"DTEND;TZID=Europe/Paris:{end:%Y%m%dT%H%M%S}\r\nSUMMARY:{title}\r\n{where}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode())
    await sync(app, await add_source(app, slug, str(path)))


async def programme(app) -> list[tuple[str, list[str]]]:
    """Each event's title and hosting venues' slugs, main venue first."""
    async with app.db.session() as session:
        events = list((await session.execute(select(Event).order_by(Event.id))).scalars())
        found = []
        for event in events:
            slugs = (await session.execute(select(Venue.slug).join(EventVenue, EventVenue.venue_id == Venue.id)
                                           .where(EventVenue.event_id == event.id)
                                           .order_by(EventVenue.position))).scalars().all()
            found.append((event.title, list(slugs)))
        return found


# -- the private calendar link ------------------------------------------------------------------

async def test_myevents_gives_a_stable_private_calendar_link_that_serves_my_calendar(web_app, memory):
    crew = People(web_app, memory)
    ana = await crew.member("20", "Ana")
    first = await ana.send("/mesevenements")
    assert "Tu n'es inscrit·e à rien" in first[0].text and "garde-le pour toi" in first[0].text
    [url] = re.findall(r"https://\S+", first[0].text)
    token = re.fullmatch(r"https://maillage\.example/calendar/member/([\w-]+)\.ics", url).group(1)
    assert len(token) >= 32  # 192 random bits
    again = await ana.send("/mesevenements")
    assert re.findall(r"https://\S+", again[0].text) == [url]  # one token per member, kept

    async with web_app.db.session() as session:
        owner = await member_by_token(session, token)
        assert owner is not None and owner.display_name == "Ana"
    transport = httpx.ASGITransport(app=build_asgi(web_app))
    async with httpx.AsyncClient(transport=transport, base_url="http://maillage.test") as client:
        served = await client.get(f"/calendar/member/{token}.ics")
    assert served.status_code == 200 and served.text.startswith("BEGIN:VCALENDAR")

    bob = await crew.member("21", "Bob", locale="en")
    [other] = re.findall(r"https://\S+", (await bob.send("/myevents"))[0].text)
    assert other != url  # each member has their own


async def test_without_a_web_server_only_animators_hear_the_calendar_is_off(app, people):
    ana = await people.member("20", "Ana")
    reply = await ana.send("/mesevenements")
    assert "agenda" not in reply[0].text and "http" not in reply[0].text  # nothing a member can act on
    animator = await people.member("animator", "Anim")
    assert "L'abonnement agenda n'est pas encore activé sur ce réseau." in (await animator.send("/mesevenements"))[0].text
    bob = await people.member("21", "Bob", locale="en")
    assert "Calendar" not in (await bob.send("/myevents"))[0].text


# -- an event already imported from a feed ------------------------------------------------------

async def test_publishing_an_event_the_venue_calendar_already_has_shows_it_instead(app, memory, people, tmp_path):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await people.link(host, "-100hangar")
    await import_feed(app, tmp_path, "hangar", "Repair Café du jeudi")
    await app.dispatcher.drain()
    assert len(memory.to_chat("-100hangar")) == 1  # the importer announced it

    warning = await publish_fr(host, title="Repair café")
    assert warning[0].title == "Déjà au programme ?"
    assert "« Repair Café du jeudi » est déjà au programme de ton lieu" in warning[0].text
    assert "jeu. 26 nov. 18h30–20h30" in warning[0].text and "Le Hangar" in warning[0].text
    labels = [b.label for b in warning[0].all_buttons()]
    assert labels == ["Publier le mien quand même", "Annuler"]  # the venue already hosts it: nothing to add

    dropped = await host.press("Annuler")
    assert "rien n'a été publié" in dropped[0].text
    assert await programme(app) == [("Repair Café du jeudi", ["hangar"])]
    await app.dispatcher.drain()
    assert len(memory.to_chat("-100hangar")) == 1  # nothing announced twice


async def test_a_host_can_add_their_venue_to_the_imported_event(app, memory, people, tmp_path):
    # La Fabrique's calendar lists an evening it runs at Le Hangar; Le Hangar's host then posts it.
    host = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await people.link(host, "-100hangar", "/link_venue")
    await import_feed(app, tmp_path, "fabrique", "Repair café", location="Le Hangar, 2 quai des Antilles")
    await host.send("/event")
    await host.send("Repair Cafe")
    await host.send("thursday 6:30pm")
    await host.send("8:30pm")
    await host.press("Done")
    await host.press("No description")
    await host.press("No link")
    await host.press("No limit")
    await host.press("Done")
    warning = await host.press("Publish")
    assert warning[0].title == "Already in the programme?" and "Is it the same one?" in warning[0].text
    assert "La Fabrique — Le Hangar, 2 quai des Antilles" in warning[0].text

    done = await host.press("Same event: add my venue")
    assert done[0].text == 'Done: "Repair café" is now co-hosted by Le Hangar. Nothing new was published.'
    assert await programme(app) == [("Repair café", ["fabrique", "hangar"])]
    await app.dispatcher.drain()
    [post] = memory.to_chat("-100hangar")  # announced once in the venue that joined
    assert "Repair café" in post.reply.title and "Le Hangar" in post.text
    assert "no longer valid" in (await host.press(warning[0].buttons[0][0]))[0].text  # the flow is over


async def test_joining_an_event_adds_only_the_venues_this_host_runs(app, memory, people, tmp_path):
    # Le Hangar's host ticks Le Moulin too: joining La Fabrique's event must not drag Le Moulin in.
    host = await people.member("12", "Cy", locale="en", host_of=("hangar",))
    await import_feed(app, tmp_path, "fabrique", "Repair café", location="Le Hangar, 2 quai des Antilles")
    await host.send("/event")
    await host.send("Repair Cafe")
    await host.send("thursday 6:30pm")
    await host.send("8:30pm")
    await host.press("Le Moulin")
    await host.press("Done")
    await host.press("No description")
    await host.press("No link")
    await host.press("No limit")
    await host.press("Done")
    await host.press("Publish")
    await host.press("Same event: add my venue")
    assert await programme(app) == [("Repair café", ["fabrique", "hangar"])]


async def test_publish_anyway_keeps_both_and_look_alikes_are_not_stopped(app, memory, people, tmp_path):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await import_feed(app, tmp_path, "hangar", "Repair café")
    await publish_fr(host)
    published = await host.press("Publier le mien quand même")
    assert "C'est publié" in published[0].text
    assert [title for title, _ in await programme(app)] == ["Repair café", "Repair café"]

    # Another event the same evening at the same venue, or the same title another day: no question.
    assert "C'est publié" in (await publish_fr(host, title="Soirée jeux de société"))[0].text
    assert "C'est publié" in (await publish_fr(host, when="vendredi 18h30"))[0].text
    assert len(await programme(app)) == 4


async def test_duplicate_buttons_act_only_at_that_step(app, memory, people, tmp_path):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await import_feed(app, tmp_path, "hangar", "Repair café")
    # Forged presses outside a /event conversation do nothing.
    assert "plus valable" in (await host.press(Button("x", "ev.pubf")))[0].text
    assert "plus valable" in (await host.press(Button("x", "ev.dupco")))[0].text
    await publish_fr(host)
    # The event is cancelled meanwhile: "add my venue" falls back to this host's own preview.
    async with app.db.session() as session:
        event = (await session.execute(select(Event))).scalar_one()
        event.status = "cancelled"
    replies = await host.press(Button("x", "ev.dupco"))
    assert "n'est plus au programme" in replies[0].text and "On publie" in replies[1].text
    assert "C'est publié" in (await host.press("Publier"))[0].text
    assert [status for status, in (await _statuses(app))] == ["cancelled", "published"]


async def _statuses(app):
    async with app.db.session() as session:
        return (await session.execute(select(Event.status).order_by(Event.id))).all()
