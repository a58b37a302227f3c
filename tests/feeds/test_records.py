"""The bulk insert of imported events: the raw SQLite path stores exactly what SQLAlchemy would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, text

from adapters.sources import FeedOccurrence
from bot.feeds.records import insert_events, new_event_row
from feeds_helpers import add_source, venue_id
from storage.models.events import Event, EventVenue, FeedSource

UTC = timezone.utc
NOW = datetime(2026, 11, 25, 9, 0, 0, 123456, tzinfo=UTC)


def occurrence(n: int, **extra) -> FeedOccurrence:
    start = datetime(2026, 12, 1, 17, 30, tzinfo=UTC) + timedelta(days=n)
    return FeedOccurrence(source_uid=f"u{n}", recurrence_id="" if n % 2 else start.isoformat(), title=f"Café {n}",
                          start=start, end=start + timedelta(hours=2, microseconds=7), description="« ça »\nok",
                          location="Lyon", url="https://x.example/é", **extra)


async def stored(session, ids: list[int]) -> tuple[list[list], list[tuple]]:
    """The raw stored values of events (without their id) and of their venue rows (without event_id)."""
    marks = ", ".join(str(i) for i in ids)
    events = (await session.execute(text(f"SELECT * FROM events WHERE id IN ({marks}) ORDER BY id"))).all()
    hosts = (await session.execute(text(f"SELECT * FROM event_venues WHERE event_id IN ({marks}) ORDER BY event_id")
                                   )).all()
    return [list(row[1:]) for row in events], [tuple(row[1:]) for row in hosts]


async def test_the_bulk_insert_stores_what_sqlalchemy_stores(any_app):
    app = any_app
    source_id = await add_source(app, "hangar", "/tmp/a.ics")
    vid = await venue_id(app, "hangar")
    occurrences = [occurrence(1), occurrence(2, all_day=True, timezone="Europe/Paris")]
    async with app.db.session() as session:
        source = await session.get(FeedSource, source_id)
        rows = [new_event_row(o, source, "Europe/Paris", NOW) for o in occurrences]
        fast = await insert_events(session, rows, source_id, vid, NOW)
        reference = []
        for row in rows:  # the ORM-typed Core path, one row at a time, under another key
            copy = {**row, "source_uid": row["source_uid"] + "-ref"}
            event_id = (await session.execute(insert(Event.__table__).returning(Event.__table__.c.id), copy)
                        ).scalar_one()
            await session.execute(insert(EventVenue.__table__),
                                  {"event_id": event_id, "venue_id": vid, "position": 0, "created_at": NOW})
            reference.append(event_id)
        (fast_events, fast_hosts), (ref_events, ref_hosts) = await stored(session, fast), await stored(session, reference)
    assert len(fast) == 2 and len(set(fast)) == 2
    uid = [c.name for c in Event.__table__.columns].index("source_uid") - 1
    for row in ref_events:
        row[uid] = row[uid].removesuffix("-ref")
    assert fast_events == ref_events and fast_hosts == ref_hosts
    async with app.db.session() as session:  # and it reads back as the ORM wrote it
        for event_id, row in zip(fast, rows):
            event = await session.get(Event, event_id)
            assert (event.source_uid, event.starts_at, event.created_at, event.audience) == (
                row["source_uid"], row["starts_at"], NOW, [])
