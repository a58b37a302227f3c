"""Benchmark: import 100 ICS feeds of 200 events each (a third recurring weekly) into SQLite.

Targets (issue 4): the first import < 10 s; a re-sync where nothing changed < 3 s.
Run: ``python -m bench.bench_feeds_sync [--quick] [--feeds N] [--events N] [--postgres URL]``; prints a
table. ``--postgres postgresql+asyncpg://user@host/db`` runs on a scratch database created (and dropped)
on that server instead of a SQLite file.

The whole path is measured — fetch (local files, as config feeds), parse (a process pool of 2),
dedupe, upsert, announcements — through `bot.feeds.sync.sync_all` on a migrated database. "cpu s" is
this process only (the parsing processes are not counted); "load" is the 1-minute load average when
the scenario ended: on a shared machine, read the wall time with it.
Scenarios: the first import; a re-sync with unchanged files (their validators match: nothing
parsed); a forced re-read of the same content (parsed again, every fingerprint unchanged); one feed
changed among all.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import asynccontextmanager
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_feeds_sync.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, update  # noqa: E402

from bench.bench_feeds_parse import VTIMEZONE  # noqa: E402
from bench.guard import require  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.feeds.config_feeds import sync_config_feeds  # noqa: E402
from bot.feeds.sync import POOL_WORKERS, sync_all  # noqa: E402
from bot.reference_data import sync_reference_data  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models.events import Event  # noqa: E402
from storage.scratch import create_scratch, drop_scratch  # noqa: E402
from storage.models.feeds import FeedSourceState  # noqa: E402

NOW = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
TOPICS = ("Repair café", "Atelier soudure", "Initiation impression 3D", "Soirée jeux", "Permanence numérique",
          "Atelier couture", "Club code", "Fresque du climat", "Apéro des membres", "Conférence")


def make_feed(venue: int, events: int, *, marker: str = "") -> bytes:
    """A Google-like export; every event inside the 90-day horizon (the worst case)."""
    base = NOW.replace(tzinfo=None, hour=18, minute=30)
    parts = [f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nX-WR-CALNAME:Lieu {venue:03d}\r\n", VTIMEZONE]
    for n in range(events):
        start = base + timedelta(days=(n * 37) % 88, hours=n % 4)
        end = start + timedelta(hours=2)
        parts.append(
            f"BEGIN:VEVENT\r\nUID:ev-{venue}-{n}@bench.example\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}\r\nDTEND;TZID=Europe/Paris:{end:%Y%m%dT%H%M%S}\r\n"
            f"SUMMARY:{TOPICS[n % len(TOPICS)]} n°{n}{marker}\r\n"
            f"DESCRIPTION:Ouvert à toutes et tous\\, sur inscription.\\nPlus d'infos sur le site du lieu.\r\n"
            f"LOCATION:Lieu {venue:03d}\\, {venue} rue de la République\\, Lyon\r\n"
            f"URL:https://lieu-{venue}.example/agenda/{n}\r\nSTATUS:CONFIRMED\r\n"
            + ("RRULE:FREQ=WEEKLY\r\n" if n % 3 == 0 else "")
            + "END:VEVENT\r\n"
        )
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode()


def make_config(url: str, folder: Path, feeds: int):
    venues = "".join(f'[[venues]]\nslug = "lieu-{v:03d}"\nname = "Lieu {v:03d}"\nkind = "coworking"\n\n'
                     for v in range(feeds))
    sources = "".join(f'[[events.feeds]]\nvenue = "lieu-{v:03d}"\nurl = "{folder / f"lieu-{v:03d}.ics"}"\n\n'
                      for v in range(feeds))
    text = f'[network]\nname = "Bench"\n\n[database]\nurl = "{url}"\n\n{venues}{sources}'
    return parse_config(text, environ={})


async def timed(label: str, db: Database, config, now: datetime, rows: list) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    outcomes = await sync_all(db, config, now)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    async with db.session() as session:
        events = (await session.execute(select(func.count()).select_from(Event))).scalar_one()
    failed = sum(o.status == "failed" for o in outcomes)
    inserted = sum(o.report.inserted for o in outcomes if o.report)
    unchanged = sum(o.report.unchanged for o in outcomes if o.report)
    parsed = sum(o.status == "updated" for o in outcomes)
    rows.append((label, wall, cpu, parsed, inserted, unchanged, events, failed, os.getloadavg()[0]))


@asynccontextmanager
async def scratch_postgres(admin_url: str):
    """A database of our own on the server of `admin_url`, dropped afterwards."""
    url = await create_scratch(admin_url, "maillage_bench")
    try:
        yield url
    finally:
        await drop_scratch(admin_url, url)


async def run(feeds: int, events: int, postgres: str | None = None) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if postgres is None:
            return await run_on(f"sqlite+aiosqlite:///{folder / 'bench.sqlite'}", folder, feeds, events)
        async with scratch_postgres(postgres) as url:
            return await run_on(url, folder, feeds, events)


async def run_on(url: str, folder: Path, feeds: int, events: int) -> list:
    rows: list = []
    for v in range(feeds):
        (folder / f"lieu-{v:03d}.ics").write_bytes(make_feed(v, events))
    config = make_config(url, folder, feeds)
    db = Database(url)
    await upgrade(db)
    await sync_reference_data(db, config)
    async with db.session() as session:
        await sync_config_feeds(session, config)
    await timed("first import", db, config, NOW, rows)
    await timed("re-sync, nothing changed", db, config, NOW + timedelta(minutes=30), rows)
    async with db.session() as session:  # make every feed due for a re-read of the same bytes
        await session.execute(update(FeedSourceState).values(parsed_at=NOW - timedelta(days=1)))
    await timed("re-read, same content", db, config, NOW + timedelta(minutes=60), rows)
    (folder / "lieu-000.ics").write_bytes(make_feed(0, events, marker=" (modifié)"))
    await timed("one feed changed", db, config, NOW + timedelta(minutes=90), rows)
    await db.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 feeds of 100 events: a smoke run")
    parser.add_argument("--postgres", metavar="URL", help="run on a scratch database of this PostgreSQL server")
    args = parser.parse_args()
    feeds, events = (20, 100) if args.quick else (args.feeds, args.events)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{feeds} feeds x {events} events (1/3 weekly), horizon 90 days, {database}, process pool of {POOL_WORKERS}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    rows = asyncio.run(run(feeds, events, args.postgres))
    print(f"{'scenario':<26} {'wall s':>7} {'cpu s':>7} {'parsed':>7} {'inserted':>9} {'unchanged':>10} "
          f"{'events':>7} {'failed':>7} {'load':>5}")
    for label, wall, cpu, parsed, inserted, unchanged, total, failed, load in rows:
        print(f"{label:<26} {wall:>7.2f} {cpu:>7.2f} {parsed:>7} {inserted:>9} {unchanged:>10} {total:>7} {failed:>7}"
              f" {load:>5.2f}")
    first, again = rows[0][1], rows[1][1]
    require(rows[0][4], "events inserted by the first import")
    require(rows[0][3], "feeds parsed by the first import")
    print(f"targets: first import < 10 s: {'ok' if first < 10 else 'MISSED'} ({first:.2f} s); "
          f"no-change re-sync < 3 s: {'ok' if again < 3 else 'MISSED'} ({again:.2f} s)")


if __name__ == "__main__":
    main()
