"""A host creates events by chat, in French and in English; they are announced once."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.events.announce import announce_event
from events_helpers import People, people, publish_fr  # noqa: F401 (fixture)
from storage.models.events import Event, EventVenue


async def _events(app) -> list[Event]:
    async with app.db.session() as session:
        return list((await session.execute(select(Event).order_by(Event.id))).scalars())


async def test_a_host_publishes_in_french_and_it_is_announced_once(app, memory, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    animator = memory.user("animator", "Anim")
    await people.link(host, "-100hangar")
    await people.link(animator, "-100prog", "/lier_reseau")

    final = await publish_fr(host, capacity="12", tags=("étudiant",))
    assert "C'est publié" in final[0].text and "2 groupes" in final[0].text
    [event] = await _events(app)
    # Thursday 26 November 18:30 in Paris is 17:30 UTC (winter time).
    assert event.starts_at == datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)
    assert event.ends_at == datetime(2026, 11, 26, 19, 0, tzinfo=timezone.utc)
    assert (event.timezone, event.capacity, event.audience, event.status) == ("Europe/Paris", 12, ["students"], "published")

    await app.dispatcher.drain()
    [venue_post] = memory.to_chat("-100hangar")
    [programme_post] = memory.to_chat("-100prog")
    assert venue_post.reply.title == "Nouvel événement : Repair café"
    assert "jeu. 26 nov. 18h30–20h" in venue_post.text and "Le Hangar" in venue_post.text
    assert "étudiant·es" in venue_post.text and "12 places libres sur 12" in venue_post.text
    assert [b.label for b in venue_post.reply.all_buttons()] == ["Je viens"]
    # Each group is told why it gets the post and how to stop it.
    assert venue_post.text.endswith("\n\nAnnoncé ici car ce groupe suit Le Hangar. Un·e hôte peut arrêter avec /delier.")
    assert programme_post.text.endswith("suit le programme de Réseau Test. Un·e animateur·rice peut arrêter avec /delier.")
    assert programme_post.text.split("\n\n")[0] == venue_post.text.split("\n\n")[0]

    # Announcing again (a retried job, the feed importer seeing it) writes nothing new.
    async with app.db.session() as session:
        event = await session.get(Event, event.id)
        assert await announce_event(session, app.config, event, app.clock.now()) == 0
    await app.dispatcher.drain()
    assert len(memory.to_chat("-100hangar")) == 1 and len(memory.to_chat("-100prog")) == 1


async def test_a_host_publishes_in_english_with_a_duration_and_co_hosts(app, memory, people):
    host = await people.member("11", "Bob", locale="en", host_of=("fabrique",), home="fabrique")
    await people.link(host, "-100fab", "/link_venue")
    other = await people.member("12", "Cleo", host_of=("moulin",), home="moulin")
    await people.link(other, "-100moulin")
    await host.send("/event")
    await host.send("Laser cutting 101")
    await host.send("tomorrow 6pm")
    await host.send("1h30")
    await host.press("Le Moulin")  # co-hosted
    await host.press("Done")
    await host.press("No description")
    await host.send("https://lafabrique.example/laser")
    await host.press("No limit")
    preview = await host.press("Done")
    assert "Thu 26 Nov, 6 pm–7:30 pm" in preview[0].text
    assert "La Fabrique, Le Moulin" in preview[0].text
    final = await host.press("Publish")
    assert "Published" in final[0].text
    [event] = await _events(app)
    assert event.venue_id is not None and event.url == "https://lafabrique.example/laser"
    async with app.db.session() as session:
        hosts = (await session.execute(select(EventVenue.venue_id).where(EventVenue.event_id == event.id)
                                       .order_by(EventVenue.position))).scalars().all()
    assert len(hosts) == 2 and hosts[0] == event.venue_id
    await app.dispatcher.drain()
    assert len(memory.to_chat("-100fab")) == 1 and len(memory.to_chat("-100moulin")) == 1


async def test_the_title_can_come_with_the_command_and_fields_can_be_edited_before_publishing(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    replies = await host.send("/evenement Atelier couture")
    assert "Quand" in replies[0].text
    await host.send("12/12 à 9h")
    await host.press("Durée par défaut")
    await host.press("Terminé")
    await host.press("Pas de description")
    await host.press("Pas de lien")
    await host.press("Pas de limite")
    preview = await host.press("Terminé")
    assert "sam. 12 déc. 9h–11h" in preview[0].text
    await host.press("Modifier")
    await host.press("Date et heure")
    preview = await host.send("13/12 à 10h")
    assert "dim. 13 déc. 10h–12h" in preview[0].text, "moving an event keeps its length"
    await host.press("Publier")
    [event] = await _events(app)
    assert event.title == "Atelier couture"


async def test_past_unparsable_and_impossible_dates_get_a_clear_message(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement")
    await host.send("Repair café")
    assert "déjà passée" in (await host.send("25/11 à 8h"))[0].text  # 07:00 UTC, now is 09:00
    assert "jeudi 18h30" in (await host.send("quand tu veux"))[0].text
    assert "heure d'été" in (await host.send("28/03/2027 2h30"))[0].text
    assert "Matin ou soir" in (await host.send("demain à 6"))[0].text
    assert "Jusqu'à quand" in (await host.send("demain 18h"))[0].text  # and then it goes on
    assert "après le début" in (await host.send("17h"))[0].text


async def test_english_date_errors_are_in_english(app, people):
    host = await people.member("11", "Bob", locale="en", host_of=("hangar",))
    await host.send("/event")
    await host.send("Repair café")
    assert "already passed" in (await host.send("25/11 at 8am"))[0].text
    assert "tomorrow 2pm" in (await host.send("whenever"))[0].text


async def test_only_hosts_can_start_an_event_and_it_is_private(app, people, memory):
    member = await people.member("20", "Dan")
    assert "réservée aux hôtes" in (await member.send("/evenement"))[0].text
    host = await people.member("10", "Ana", host_of=("hangar",))
    assert "message privé" in (await host.send("/evenement", chat=host.group("-100x")))[0].text


async def test_flow_buttons_outside_the_flow_are_refused(app, people):
    from bot.types import Button

    host = await people.member("10", "Ana", host_of=("hangar",))
    assert "plus valable" in (await host.press(Button("x", "ev.pub")))[0].text
    assert await _events(app) == []


async def test_group_chatter_does_not_feed_a_private_event_flow(app, people):
    host = await people.member("10", "Ana", host_of=("hangar",))
    await host.send("/evenement")
    assert await host.send("salut tout le monde", chat=host.group("-100g")) == []
    assert "Quand" in (await host.send("Repair café"))[0].text


async def test_the_programme_chat_can_come_from_the_config(app, clock):
    import dataclasses

    from adapters.memory import MemoryAdapter
    from bot.app import build_app
    from bot.config import EventsConfig

    config = dataclasses.replace(app.config, events=EventsConfig(programme_chat="memory:-100cfg"))
    memory = MemoryAdapter()
    app = await build_app(config, adapters=[memory], clock=clock, migrate=False)
    await memory.start(app.core)
    try:
        host = await People(app, memory).member("10", "Ana", host_of=("hangar",))
        await publish_fr(host)
        await app.dispatcher.drain()
        assert [d.reply.title for d in memory.to_chat("-100cfg")] == ["Nouvel événement : Repair café"]
    finally:
        await app.close()


async def test_typing_a_skip_word_skips_an_optional_step(app, memory, people):
    host = await people.member("host-skip", "Hôte", host_of=("hangar",))
    await host.send("/evenement Atelier réparation")
    await host.send("jeudi 18h30")
    await host.send("passer")  # end: the default duration
    await host.press("Terminé")
    await host.send("rien")  # no description
    replies = await host.send("passer")  # no link
    assert "places" in replies[-1].text.lower()
