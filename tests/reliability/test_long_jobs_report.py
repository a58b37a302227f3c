"""The report's first aggregation back-fills a year (issue 19.3): computed with no write transaction
open, so commands answer meanwhile; written a month per transaction, and a crash between two
months gives, once resumed, exactly the figures of one uninterrupted back-fill."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, insert, select

from bench.write_lock import write_lock_meter
from bot.report import aggregate
from jobs import report as report_job
from storage.models import Identity, Member, Venue
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.report import ReportCarried, ReportDaily, ReportDay
from tests.reliability.long_jobs_helpers import BOUND_S, command_answers, pause_at

MEMBERS, EVENTS = 400, 60


async def a_year_of_activity(app, now) -> None:
    rng = random.Random(11)
    start = now - timedelta(days=365)
    async with app.db.session() as session:
        venues = list((await session.execute(select(Venue.id))).scalars())
        people = []
        for i in range(MEMBERS):
            joined = start + timedelta(seconds=rng.randint(0, 365 * 86400))
            people.append(dict(id=1000 + i, display_name=f"m{i}", home_venue_id=rng.choice(venues), created_at=joined,
                               updated_at=joined, locale="fr", languages=["fr"], visibility="network",
                               intro_opt_in=True, cadence="biweekly", bio=""))
        await session.execute(insert(Member), people)
        await session.execute(insert(Identity), [dict(
            member_id=p["id"], platform="memory", platform_user_id=f"r{p['id']}", display_name="", dm_status="open",
            created_at=p["created_at"], last_seen_at=now - timedelta(days=rng.randint(0, 90))) for p in people])
        for e in range(EVENTS):
            starts, venue = start + timedelta(seconds=rng.randint(0, 365 * 86400)), rng.choice(venues)
            session.add(Event(id=5000 + e, title="e", description="", location="", starts_at=starts,
                              ends_at=starts + timedelta(hours=2), timezone="Europe/Paris", all_day=False, capacity=30,
                              going_count=5, status="published", audience=[], venue_id=venue, source="chat",
                              source_uid=f"r{e}", recurrence_id="", sequence=0, created_at=starts, updated_at=starts))
            await session.flush()
            await session.execute(insert(EventVenue), [dict(event_id=5000 + e, venue_id=venue, position=0,
                                                            created_at=starts)])
            await session.execute(insert(Rsvp), [dict(event_id=5000 + e, member_id=m["id"], status="going",
                                                      queued_at=starts, created_at=starts, updated_at=starts)
                                                 for m in rng.sample(people, 5)])


async def figures(app) -> tuple:
    async with app.db.session() as session:
        daily = sorted((await session.execute(select(ReportDaily.day, ReportDaily.metric, ReportDaily.venue_id,
                                                     ReportDaily.dim, ReportDaily.count))).all())
        carried = sorted((await session.execute(select(ReportCarried.day, ReportCarried.metric, ReportCarried.venue_id,
                                                       ReportCarried.dim, ReportCarried.count))).all())
        days = sorted((await session.execute(select(ReportDay.day))).scalars())
    return daily, carried, days


async def uninterrupted(app) -> tuple:
    """The same data closed again in one go, as the erasure path does: the reference figures."""
    async with app.db.session() as session:
        for model in (ReportDaily, ReportCarried, ReportDay):
            await session.execute(delete(model))
    async with app.db.session() as session:
        await aggregate.close_days(session, app.config, app.clock.now())
    return await figures(app)


async def test_commands_answer_while_a_year_is_back_filled(app, memory, clock, monkeypatch):
    await a_year_of_activity(app, clock.now())
    other = memory.user("someone", "Zoé")
    computing = pause_at(monkeypatch, aggregate, "flows")
    with write_lock_meter(app.db) as meter:
        job = asyncio.create_task(report_job.run(app))
        await computing.wait()
        assert not meter._open, "a write transaction is open while the days are computed"
        await command_answers(other)
        computing.release.set()
        closed = await asyncio.wait_for(job, BOUND_S)
    assert closed >= 365
    # One write per month of days (plus the command's), not one for the whole year.
    assert meter.count - 1 == -(-closed // aggregate.BATCH_DAYS), meter.held
    batched = await figures(app)
    assert batched[0] and batched[1] and len(batched[2]) == closed
    assert batched == await uninterrupted(app)


async def test_a_crash_between_months_then_a_resume_gives_the_same_figures(any_app, monkeypatch):
    app = any_app
    await a_year_of_activity(app, app.clock.now())
    real = aggregate.write_closing
    calls = 0

    async def dies_at_the_third_month(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise SystemExit("killed between two months")
        return await real(*args, **kwargs)

    monkeypatch.setattr(aggregate, "write_closing", dies_at_the_third_month)
    with pytest.raises(SystemExit):
        await report_job.run(app)
    assert len((await figures(app))[2]) == 2 * aggregate.BATCH_DAYS  # two whole months, nothing of the third
    monkeypatch.setattr(aggregate, "write_closing", real)
    resumed = await report_job.run(app)
    assert resumed > 0 and await report_job.run(app) == 0  # resumed once; nothing left after
    after_crash = await figures(app)
    assert after_crash == await uninterrupted(app)
