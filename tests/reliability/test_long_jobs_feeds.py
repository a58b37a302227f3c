"""A sync of many feeds (issue 19.3): the sources, their state and the run's programme index are read
with no write transaction open, so commands answer while they load; the only writes are one short
transaction per feed, and a second sync of unchanged feeds writes no event twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bench.write_lock import write_lock_meter
from bot.feeds.dedupe import ProgrammeIndex
from jobs.feeds import run_sync
from storage.models.events import Event
from tests.reliability.long_jobs_helpers import BOUND_S, command_answers, pause_at
from tests.testkit import add_source

FEEDS, EVENTS = 12, 25  # POOL_MIN_SOURCES and more: parsed in a process pool, as in production
VENUES = ("hangar", "fabrique", "moulin")


def feed(number: int, start) -> bytes:
    lines = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"]
    for n in range(EVENTS):
        begins = (start + timedelta(days=1 + (n * 3) % 60, hours=n % 5)).strftime("%Y%m%dT%H%M%SZ")
        ends = (start + timedelta(days=1 + (n * 3) % 60, hours=n % 5 + 2)).strftime("%Y%m%dT%H%M%SZ")
        lines.append(f"BEGIN:VEVENT\r\nUID:f{number}-e{n}@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:{begins}\r\n"
                     f"DTEND:{ends}\r\nSUMMARY:Atelier {number}-{n}\r\nLOCATION:Salle {number}\r\nEND:VEVENT\r\n")
    lines.append("END:VCALENDAR\r\n")
    return "".join(lines).encode()


async def events(app) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(func.count()).select_from(Event))).scalar_one()


async def test_commands_answer_while_many_feeds_sync(app, memory, clock, tmp_path, monkeypatch):
    for number in range(FEEDS):
        path = tmp_path / f"feed-{number}.ics"
        path.write_bytes(feed(number, clock.now()))
        await add_source(app, VENUES[number % len(VENUES)], str(path))
    other = memory.user("someone", "Zoé")
    loading = pause_at(monkeypatch, ProgrammeIndex, "fill")  # the programme, read before the first feed's write
    with write_lock_meter(app.db) as meter:
        job = asyncio.create_task(run_sync(app))
        await loading.wait()
        assert not meter._open, "a write transaction is open while the programme is read"
        await command_answers(other)
        loading.release.set()
        await asyncio.wait_for(job, BOUND_S)
    assert await events(app) == FEEDS * EVENTS
    assert meter.count - 1 == FEEDS, meter.held  # one short write per feed (and the command's): nothing else
    clock.advance(minutes=30)
    await run_sync(app)  # unchanged feeds: nothing inserted twice
    assert await events(app) == FEEDS * EVENTS
