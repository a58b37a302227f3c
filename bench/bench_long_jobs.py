"""Benchmark: how long each long job holds SQLite's write lock (issue 19.3), at a realistic size.

While a write transaction is open on SQLite no other one can begin: every chat command waits (up to
the 5 s busy timeout, then answers "busy"). This measures, through the jobs' own entry points on a
migrated SQLite file, each write transaction of:
- the feed sync (`jobs.feeds.run_sync`): 100 feeds of 200 events, the first import;
- a campaign send (`jobs.campaigns.send_campaigns`): 20,000 recipients;
- the report's first aggregation (`jobs.report.run`): a year back-filled, 10,000 members, 1,500 events.
Columns: the job's wall time, its write transactions (the probe's commands included), the longest
one, their sum (the lock held in all); then a chat command sent every 0.25 s while the job runs
(through the core and the memory adapter): how many, how many answered "busy", their median and
worst answer time; and the load average at the end (the box is shared: read wall times with it).

Run: ``python -m bench.bench_long_jobs [--quick] [--only feeds|campaign|report]``; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_long_jobs.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from adapters.memory import MemoryAdapter  # noqa: E402
from bench.bench_feeds_sync import NOW as FEEDS_NOW, make_config as feeds_config, make_feed  # noqa: E402
from bench.bench_report import NOW as REPORT_NOW, _config as report_config, live_year  # noqa: E402
from bench.guard import require  # noqa: E402
from bench.write_lock import write_lock_meter  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.config import DatabaseConfig  # noqa: E402
from bot.feeds.config_feeds import sync_config_feeds  # noqa: E402
from jobs import campaigns as campaign_job, feeds as feed_job, report as report_job  # noqa: E402
from storage.models import Identity, Member, OutboxMessage  # noqa: E402
from storage.models.campaigns import Campaign  # noqa: E402
from storage.models.events import Event  # noqa: E402
from storage.models.report import ReportDay  # noqa: E402


PROBE_EVERY_S = 0.25  # a person typing a command now and then while the job runs
BUSY = "sollicité"  # the core's "busy" answer (French): the command gave up on the write lock


async def probe(memory: MemoryAdapter, done: asyncio.Event, seconds: list[float], busy: list[int]) -> None:
    """A chat command (which writes: the person's identity is touched) again and again until `done`."""
    user = memory.user("probe", "Probe")
    while not done.is_set():
        started = time.perf_counter()
        replies = await user.send("/aide")
        seconds.append(time.perf_counter() - started)
        busy[0] += any(BUSY in reply.text for reply in replies)
        await asyncio.sleep(PROBE_EVERY_S)


async def measured(app, memory: MemoryAdapter, work) -> tuple[float, object, object]:
    started = time.perf_counter()
    done, seconds, busy = asyncio.Event(), [], [0]
    with write_lock_meter(app.db) as meter:
        prober = asyncio.create_task(probe(memory, done, seconds, busy))
        try:
            result = await work()
        finally:
            done.set()
            await prober
    meter.load = os.getloadavg()[0]  # type: ignore[attr-defined]
    meter.commands = (len(seconds), busy[0], max(seconds, default=0.0),  # type: ignore[attr-defined]
                      sorted(seconds)[len(seconds) // 2] if seconds else 0.0)
    return time.perf_counter() - started, meter, result


async def feeds(folder: Path, count: int, events: int) -> tuple:
    for v in range(count):
        (folder / f"lieu-{v:03d}.ics").write_bytes(make_feed(v, events))
    config = feeds_config(f"sqlite+aiosqlite:///{folder / 'feeds.sqlite'}", folder, count)
    memory = MemoryAdapter()
    app = await build_app(config, adapters=[memory], clock=ManualClock(FEEDS_NOW))
    await memory.start(app.core)
    try:
        async with app.db.session() as session:
            await sync_config_feeds(session, config)
        wall, meter, _ = await measured(app, memory, lambda: feed_job.run_sync(app))
        async with app.db.session() as session:
            inserted = (await session.execute(select(func.count()).select_from(Event))).scalar_one()
        require(inserted, "events imported by the feed sync")
        return f"feed sync, {count} x {events}", wall, meter, f"{inserted} events"
    finally:
        await app.close()


CAMPAIGN_CONFIG = '[network]\nname = "Bench"\ntimezone = "Europe/Paris"\n'


async def campaign(folder: Path, members: int) -> tuple:
    config = parse_config(CAMPAIGN_CONFIG, environ={})
    config = dataclasses.replace(config, database=DatabaseConfig(url=f"sqlite+aiosqlite:///{folder / 'c.sqlite'}"))
    start = FEEDS_NOW.replace(hour=10)  # 11:00 in Paris: outside quiet hours
    memory = MemoryAdapter()
    app = await build_app(config, adapters=[memory], clock=ManualClock(start))
    await memory.start(app.core)
    try:
        async with app.db.session() as session:
            await session.execute(insert(Member), [dict(
                display_name=f"M{n}", bio="", locale="fr", languages=["fr"], visibility="network", intro_opt_in=False,
                cadence="biweekly", consent_at=start - timedelta(days=30), consent_version="bench", created_at=start,
                updated_at=start) for n in range(members)])
            ids = list((await session.execute(select(Member.id).order_by(Member.id))).scalars())
            await session.execute(insert(Identity), [dict(
                member_id=i, platform="telegram", platform_user_id=str(100_000 + i), display_name=f"M{i}", locale="fr",
                dm_status="open", created_at=start, last_seen_at=start) for i in ids])
            session.add(Campaign(author_platform="telegram", author_user_id="1", status="scheduled",
                                 text_fr="Portes ouvertes samedi !", text_en="", poll=["Je viens", "Non"],
                                 interested=False, audience={}, send_at=start, spread_minutes=0, occurrence=0,
                                 created_at=start))
        wall, meter, covered = await measured(app, memory, lambda: campaign_job.send_campaigns(app))
        async with app.db.session() as session:
            written = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
        require(written, "campaign messages written to the outbox", members)
        return f"campaign, {members} recipients", wall, meter, f"{written} messages"
    finally:
        await app.close()


async def report(folder: Path, members: int, rng: random.Random) -> tuple:
    memory = MemoryAdapter()
    app = await build_app(report_config(f"sqlite+aiosqlite:///{folder / 'r.sqlite'}"), adapters=[memory],
                          clock=ManualClock(REPORT_NOW))
    await memory.start(app.core)
    try:
        await live_year(app, members, rng, REPORT_NOW)
        wall, meter, _ = await measured(app, memory, lambda: report_job.run(app))
        async with app.db.session() as session:
            days = (await session.execute(select(func.count()).select_from(ReportDay))).scalar_one()
        require(days, "days closed by the report back-fill", 300)
        return f"report back-fill, {members} members", wall, meter, f"{days} days"
    finally:
        await app.close()


async def run(quick: bool, only: str | None) -> list[tuple]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if only in (None, "feeds"):
            rows.append(await feeds(folder, *((10, 50) if quick else (100, 200))))
        if only in (None, "campaign"):
            rows.append(await campaign(folder, 2000 if quick else 20_000))
        if only in (None, "report"):
            rows.append(await report(folder, 1000 if quick else 10_000, random.Random(7)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes: a smoke run")
    parser.add_argument("--only", choices=("feeds", "campaign", "report"))
    args = parser.parse_args()
    print(f"SQLite, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    rows = asyncio.run(run(args.quick, args.only))
    print(f"{'job':<34} {'wall s':>7} {'writes':>7} {'longest s':>10} {'held s':>7} {'cmds':>5} {'busy':>5} "
          f"{'cmd p50':>8} {'cmd max':>8} {'load':>5}  work")
    for label, wall, meter, work in rows:
        count, busy, worst, median = meter.commands
        print(f"{label:<34} {wall:>7.2f} {meter.count:>7} {meter.longest:>10.3f} {meter.total:>7.2f} {count:>5} "
              f"{busy:>5} {median:>8.3f} {worst:>8.3f} {meter.load:>5.2f}  {work}")


if __name__ == "__main__":
    main()
