"""The demo network starts with a programme: events over the next three weeks, at venue time,
co-hosted, one full with a waiting list; and a past (bot.demo.past) consistent with it; seeding
twice adds nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import build_app
from bot.cli.console import DEMO_CONFIG
from bot.config import DatabaseConfig, load_config
from bot.demo.seed import seed_demo
from storage.models import Member
from storage.models.events import Event, EventVenue, Rsvp


async def test_the_demo_has_a_programme_and_seeding_is_idempotent(sqlite_url, clock):
    config = dataclasses.replace(load_config(DEMO_CONFIG, environ={}), database=DatabaseConfig(url=sqlite_url))
    app = await build_app(config, clock=clock, migrate=False)
    try:
        assert await seed_demo(app) == "6 venues, 36 members, 8 events, 10 past events, 7 past introductions"
        assert await seed_demo(app) == ""
        now = clock.now()
        async with app.db.session() as session:
            events = list((await session.execute(select(Event).where(Event.starts_at > now)
                                                 .order_by(Event.starts_at))).scalars())
            assert len(events) == 8 and all(e.status == "published" for e in events)
            assert all(now < e.starts_at < now + timedelta(days=21) for e in events)
            # Wall-clock times at the venue: the repair café is at 18:30 in Nantes.
            [repair] = [e for e in events if e.title == "Repair café"]
            assert repair.starts_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M") == "18:30"
            hosts = (await session.execute(select(EventVenue.event_id, func.count()).group_by(EventVenue.event_id)))
            assert sum(1 for _, count in hosts if count > 1) >= 2  # co-hosted
            [laser] = [e for e in events if e.capacity == 4]
            statuses = sorted((await session.execute(select(Rsvp.status).where(Rsvp.event_id == laser.id))).scalars())
            assert laser.going_count == 4 and statuses.count("waitlist") == 2
            assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 36
    finally:
        await app.close()


async def test_the_demo_past_is_consistent_nobody_goes_before_joining(sqlite_url, clock):
    config = dataclasses.replace(load_config(DEMO_CONFIG, environ={}), database=DatabaseConfig(url=sqlite_url))
    app = await build_app(config, clock=clock, migrate=False)
    try:
        await seed_demo(app)
        async with app.db.session() as session:
            rows = (await session.execute(select(Event.starts_at, Event.capacity, Member.created_at)
                                          .join(Rsvp, Rsvp.event_id == Event.id).join(Member, Member.id == Rsvp.member_id)
                                          .where(Event.starts_at < clock.now(), Rsvp.status == "going"))).all()
            joined = [m.created_at for m in (await session.execute(select(Member))).scalars()]
        def utc(moment):  # SQLite may give naive UTC
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

        now = clock.now()
        assert len(rows) > 30 and all(utc(joined_at) < utc(starts) for starts, _, joined_at in rows)
        assert min(map(utc, joined)) < now - timedelta(days=300) and max(map(utc, joined)) < now - timedelta(days=7)
    finally:
        await app.close()
