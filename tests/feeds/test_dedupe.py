"""The same event from two sources is shown once, with both venues; borderline cases ask once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.feeds.match import Candidate, Verdict, compare, place_keys
from feeds_helpers import add_member, add_source, calendar, events, hosts_of, outbox, sync, vevent
from storage.models.feeds import EventDuplicateQuestion, FeedLink

D = datetime(2026, 11, 27, 18, 30)
UTC_D = datetime.fromisoformat("2026-11-27T17:30:00+00:00")


def candidate(key, title, start=UTC_D, places=("v1",)):
    return Candidate(key, title, start, "Europe/Paris", frozenset(places))


def test_matching_rules():
    same = compare(candidate(1, "Repair Café de novembre"), candidate(2, "repair cafe - novembre"))
    assert same is not None and same.verdict is Verdict.SAME
    assert compare(candidate(1, "Repair café"), candidate(2, "Repair café", places=("v2",))) is None  # no shared place
    assert compare(candidate(1, "Repair café"), candidate(2, "Repair café", UTC_D + timedelta(days=1))) is None
    assert compare(candidate(1, "Atelier 3"), candidate(2, "Atelier 4")) is None  # a series, not one event
    later = compare(candidate(1, "Repair café"), candidate(2, "Repair café", UTC_D + timedelta(hours=4)))
    assert later is not None and later.verdict is Verdict.BORDERLINE
    near = compare(candidate(1, "Soirée jeux de société"), candidate(2, "Soirée jeux"))
    assert compare(candidate(1, "Soirée jeux"), candidate(2, "Conférence IA")) is None
    assert near is not None
    # A location naming another venue overlaps with that venue.
    assert "v7" in place_keys([1], "À La Fabrique, 3 rue X", {7: "la fabrique"})


async def test_two_feeds_carrying_the_same_event_show_it_once_with_both_venues(any_app, write):
    app = any_app
    a = await add_source(app, "hangar", write("a.ics", calendar(
        vevent("a1", "Repair Café", D, location="La Fabrique, 3 rue des Ateliers"),
        vevent("a2", "Coworking ouvert", D + timedelta(days=1)))))
    b = await add_source(app, "fabrique", write("b.ics", calendar(
        vevent("b-77@fabrique", "Repair café", D, location="La Fabrique, 3 rue des Ateliers"),
        vevent("b2", "Impression 3D", D + timedelta(days=2)))))
    await sync(app, a)
    outcome = await sync(app, b)
    assert outcome.report.merged == 1 and outcome.report.inserted == 1
    rows = [e for e in await events(app) if e.title.lower().startswith("repair")]
    assert len(rows) == 1
    assert await hosts_of(app, rows[0].id) == ["hangar", "fabrique"]
    # Re-syncing either feed keeps one event.
    for source in (a, b):
        app.clock.advance(hours=13)
        await sync(app, source)
    assert len([e for e in await events(app) if e.title.lower().startswith("repair")]) == 1
    # The owner drops it: the other feed carries it on, as its owner.
    write("a.ics", calendar(vevent("a2", "Coworking ouvert", D + timedelta(days=1))))
    await sync(app, a)
    (kept,) = [e for e in await events(app) if e.title.lower().startswith("repair")]
    assert kept.status == "published" and kept.feed_source_id == b
    assert await hosts_of(app, kept.id) == ["fabrique"]


async def test_a_feed_copy_of_a_commanded_event_is_merged_into_it(any_app, write):
    app = any_app
    from bot.events.queries import set_venues
    from storage.models.events import Event

    async with app.db.session() as session:
        event = Event(title="Apéro du réseau", starts_at=UTC_D, ends_at=UTC_D + timedelta(hours=2),
                      status="published", source="chat", timezone="Europe/Paris")
        session.add(event)
        await session.flush()
        from storage.models.network import Venue
        hangar = (await session.execute(select(Venue).where(Venue.slug == "hangar"))).scalar_one()
        await set_venues(session, event, [hangar.id])
        chat_id = event.id
    source = await add_source(app, "hangar", write("a.ics", calendar(vevent("x", "Apéro du Réseau !", D))))
    outcome = await sync(app, source)
    assert outcome.report.merged == 1 and outcome.report.inserted == 0
    assert [e.id for e in await events(app)] == [chat_id]


async def test_a_borderline_match_asks_a_host_once_and_the_answer_merges(any_app, memory, write):
    app = any_app
    await add_member(app, "host-f", "Fanny", host_of="fabrique")
    a = await add_source(app, "hangar", write("a.ics", calendar(
        vevent("a1", "Fresque du climat", D, location="La Fabrique"))))
    b = await add_source(app, "fabrique", write("b.ics", calendar(
        vevent("b1", "Fresque du climat", D + timedelta(hours=3), location="La Fabrique"))))
    await sync(app, a)
    outcome = await sync(app, b)
    assert outcome.report.questions == 1 and outcome.report.inserted == 1
    for _ in range(2):
        app.clock.advance(hours=13)
        await sync(app, b)
    asked = await outbox(app, "feed_duplicate")
    assert [m.user_id for m in asked] == ["host-f"]
    assert len(await events(app)) == 2
    await app.dispatcher.drain()
    fanny = memory.user("host-f", "Fanny")
    (question,) = fanny.inbox()
    replies = await fanny.press(fanny.find_button("Oui, le même", [question.reply]))
    assert "un seul événement" in replies[0].text
    rows = await events(app)
    assert len(rows) == 1 and await hosts_of(app, rows[0].id) == ["hangar", "fabrique"]
    async with app.db.session() as session:
        links = list((await session.execute(select(FeedLink))).scalars())
        assert [(link.source_id, link.source_uid) for link in links] == [(b, "b1")]
    app.clock.advance(hours=13)
    outcome = await sync(app, b)
    assert outcome.report.inserted == 0 and len(await events(app)) == 1


async def test_a_stranger_cannot_answer_the_question(app, memory, write):
    await add_member(app, "host-f", "Fanny", host_of="fabrique")
    await add_member(app, "host-m", "Marc", host_of="moulin")
    a = await add_source(app, "hangar", write("a.ics", calendar(vevent("a1", "Fresque", D, location="La Fabrique"))))
    b = await add_source(app, "fabrique", write("b.ics", calendar(
        vevent("b1", "Fresque", D + timedelta(hours=3), location="La Fabrique"))))
    await sync(app, a)
    await sync(app, b)
    async with app.db.session() as session:
        question = (await session.execute(select(EventDuplicateQuestion))).scalar_one()
    marc = memory.user("host-m", "Marc")
    from bot.types import Button
    replies = await marc.press(Button("x", "feed.dup", f"{question.id}:y"))
    assert "n'animes pas" in replies[0].text
    assert len(await events(app)) == 2


async def test_the_feed_that_takes_over_a_shared_event_brings_its_own_title_and_time(any_app, write):
    app = any_app
    a = await add_source(app, "hangar", write("a.ics", calendar(vevent("a1", "Repair Café", D, location="La Fabrique"))))
    b = await add_source(app, "fabrique", write("b.ics", calendar(
        vevent("b1", "Repair café", D + timedelta(minutes=30), location="La Fabrique"))))
    await sync(app, a)
    assert (await sync(app, b)).report.merged == 1
    (shared,) = await events(app)
    assert shared.title == "Repair Café" and shared.starts_at == UTC_D  # the owner's copy is shown
    write("a.ics", calendar())  # the owner drops it
    await sync(app, a)
    await sync(app, b)  # b's file did not change: its copy must be read again all the same
    (kept,) = await events(app)
    assert kept.feed_source_id == b and kept.status == "published"
    assert kept.title == "Repair café" and kept.starts_at == UTC_D + timedelta(minutes=30)
