"""Syncing one feed into the programme: insert, unchanged re-sync, changes, cancellations, UID churn.

Storage-heavy: every test runs on SQLite and, when MAILLAGE_TEST_DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.cli.feeds import outcome_line
from storage.models.events import Event, FeedSource
from feeds_helpers import (
    add_member, add_rsvp, add_source, calendar, events, outbox, sync, vevent,
)

D = datetime(2026, 11, 27, 18, 30)  # Friday after the test clock, Paris local time


async def test_a_feed_is_imported_as_published_events_of_its_venue(any_app, write):
    app = any_app
    path = write("a.ics", calendar(vevent("a1", "Repair café", D, location="Atelier"),
                                   vevent("a2", "Soirée jeux", D + timedelta(days=3))))
    source_id = await add_source(app, "hangar", path)
    outcome = await sync(app, source_id)
    assert outcome.status == "updated" and outcome.report.inserted == 2
    rows = await events(app, source_id=source_id)
    assert [e.title for e in rows] == ["Repair café", "Soirée jeux"]
    first = rows[0]
    assert first.status == "published" and first.source == f"feed:{source_id}" and first.timezone == "Europe/Paris"
    assert first.starts_at.isoformat() == "2026-11-27T17:30:00+00:00"  # 18:30 in Paris, winter time
    async with app.db.session() as session:
        source = await session.get(FeedSource, source_id)
        assert source.last_success_at == app.clock.now() and source.error_streak == 0


async def test_an_unchanged_feed_writes_nothing(any_app, write):
    app = any_app
    path = write("a.ics", calendar(vevent("a1", "Repair café", D), vevent("a2", "Jeux", D + timedelta(days=2))))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    before = [(e.id, e.updated_at, e.sequence) for e in await events(app)]
    messages = len(await outbox(app))
    app.clock.advance(minutes=30)
    assert (await sync(app, source_id)).status == "unchanged"  # the file's validator: not even read
    write("a.ics", calendar(vevent("a1", "Repair café", D), vevent("a2", "Jeux", D + timedelta(days=2))))
    app.clock.advance(hours=13)  # same content re-read and re-parsed: every fingerprint matches
    outcome = await sync(app, source_id)
    assert outcome.report.unchanged == 2 and outcome.report.inserted == outcome.report.updated == 0
    assert [(e.id, e.updated_at, e.sequence) for e in await events(app)] == before
    assert len(await outbox(app)) == messages


async def test_a_moved_event_is_updated_and_people_going_are_told_once(any_app, write):
    app = any_app
    path = write("a.ics", calendar(vevent("a1", "Repair café", D)))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    (event,) = await events(app)
    ana = await add_member(app, "ana", "Ana")
    await add_rsvp(app, event.id, ana)
    write("a.ics", calendar(vevent("a1", "Repair café", D + timedelta(hours=1))))
    outcome = await sync(app, source_id)
    assert outcome.report.updated == 1
    (moved,) = await events(app)
    assert moved.id == event.id and moved.sequence == 1 and moved.starts_at == event.starts_at + timedelta(hours=1)
    changes = await outbox(app, "event_change")
    assert [m.user_id for m in changes] == ["ana"]


async def test_a_vanished_event_is_cancelled_once_and_its_rsvps_told_once(any_app, write):
    app = any_app
    path = write("a.ics", calendar(vevent("a1", "Repair café", D), vevent("a2", "Jeux", D + timedelta(days=1))))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    gone = (await events(app))[0]
    ana = await add_member(app, "ana", "Ana")
    await add_rsvp(app, gone.id, ana)
    write("a.ics", calendar(vevent("a2", "Jeux", D + timedelta(days=1))))
    outcome = await sync(app, source_id)
    assert outcome.report.cancelled == 1
    write("a.ics", calendar(vevent("a2", "Jeux", D + timedelta(days=1)), vevent("a3", "Autre", D)))
    app.clock.advance(hours=13)
    await sync(app, source_id)  # still gone: nothing more
    rows = {e.id: e for e in await events(app)}
    assert rows[gone.id].status == "cancelled" and rows[gone.id].sequence == 1
    notices = await outbox(app, "event_cancelled")
    assert [m.user_id for m in notices] == ["ana"]


async def test_past_events_and_truncated_results_are_never_cancelled(any_app, write):
    app = any_app
    past = datetime(2026, 11, 24, 18, 0)  # yesterday: inside the window, but in the past
    path = write("a.ics", calendar(vevent("p", "Hier", past), vevent("f", "Demain", D)))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    write("a.ics", calendar(vevent("other", "Autre", D + timedelta(days=2))))
    await sync(app, source_id)
    status = {e.source_uid: e.status for e in await events(app)}
    assert status == {"p": "published", "f": "cancelled", "other": "published"}


async def test_an_event_cancelled_in_the_feed_is_cancelled_here(any_app, write):
    app = any_app
    path = write("a.ics", calendar(vevent("a1", "Repair café", D)))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    write("a.ics", calendar(vevent("a1", "Repair café", D, extra="STATUS:CANCELLED\r\n")))
    await sync(app, source_id)
    (event,) = await events(app)
    assert event.status == "cancelled"
    write("a.ics", calendar(vevent("a1", "Repair café", D)))
    await sync(app, source_id)
    (event,) = await events(app)
    assert event.status == "published" and event.sequence == 2  # back on


async def test_a_feed_whose_uids_change_at_every_fetch_does_not_duplicate(any_app, write):
    app = any_app
    def feed(n: int) -> bytes:
        return calendar(vevent(f"random-{n}-1", "Repair café", D), vevent(f"random-{n}-2", "Jeux", D + timedelta(days=1)),
                        vevent(f"random-{n}-3", "Atelier vélo", D + timedelta(days=2), location="Cour"))

    source_id = await add_source(app, "hangar", write("a.ics", feed(0)))
    await sync(app, source_id)
    ids = sorted(e.id for e in await events(app))
    for n in range(1, 4):
        write("a.ics", feed(n))
        outcome = await sync(app, source_id)
        assert outcome.report.rekeyed == 3 and outcome.report.inserted == 0 and outcome.report.cancelled == 0
        assert outcome_line(outcome).split()[3:5] == ["0", "3"]  # `feeds sync` says: 0 new, 3 changed (not 6)
    rows = await events(app)
    assert sorted(e.id for e in rows) == ids and all(e.status == "published" for e in rows)
    assert {e.source_uid for e in rows} == {"random-3-1", "random-3-2", "random-3-3"}


async def test_dst_feed_keeps_local_times_across_the_change(any_app, write):
    app = any_app
    # Weekly on Saturday 10:00 in Paris, across the end of summer time (25 Oct 2026) — seen from a
    # clock set in early October.
    app.clock.set(datetime.fromisoformat("2026-10-10T08:00:00+00:00"))
    rule = "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
    path = write("dst.ics", calendar(vevent("w", "Marché", datetime(2026, 10, 17, 10, 0), extra=rule)))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    rows = await events(app)
    assert [e.starts_at.strftime("%d %H:%M") for e in rows] == ["17 08:00", "24 08:00", "31 09:00", "07 09:00"]
    assert {e.timezone for e in rows} == {"Europe/Paris"}
    assert len({(e.source_uid, e.recurrence_id) for e in rows}) == 4


async def test_an_x_wr_timezone_feed_is_read_in_its_declared_zone(any_app, write):
    app = any_app
    header = "X-WR-TIMEZONE:America/New_York\r\n"
    path = write("g.ics", calendar(vevent("g1", "Call", datetime(2026, 11, 30, 17, 0), tzid=None), header=header))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    (event,) = await events(app)
    assert event.starts_at.isoformat() == "2026-11-30T17:00:00+00:00"
    assert event.timezone == "America/New_York"


async def test_imported_events_are_announced_once_when_within_a_week(any_app, write):
    app = any_app
    async with app.db.session() as session:
        from storage.models.network import Venue, VenueChat
        hangar = (await session.execute(select(Venue).where(Venue.slug == "hangar"))).scalar_one()
        session.add(VenueChat(venue_id=hangar.id, platform="memory", chat_id="-100", purpose="announcements"))
    path = write("a.ics", calendar(vevent("soon", "Bientôt", D), vevent("later", "Plus tard", D + timedelta(days=20))))
    source_id = await add_source(app, "hangar", path)
    await sync(app, source_id)
    announced = await outbox(app, "event_announcement")
    assert len(announced) == 1 and "Bientôt" in str(announced[0].payload)
    app.clock.advance(days=16)  # "later" now starts within a week
    write("a.ics", calendar(vevent("soon", "Bientôt", D), vevent("later", "Plus tard", D + timedelta(days=20))))
    await sync(app, source_id)
    await sync(app, source_id)
    announced = await outbox(app, "event_announcement")
    assert len(announced) == 2 and "Plus tard" in str(announced[1].payload)
    async with app.db.session() as session:
        assert all(e.announced_at is not None for e in (await session.execute(select(Event))).scalars())
