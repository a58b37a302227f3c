"""Writing the report's anonymous aggregates: closing days, and a member's share on /forget.

A day is closed once, after it ends (the nightly job, or whoever needs it first: a report, an
erasure): its flows are added to `report_daily`, the stocks that changed are written to
`report_carried`, and a `report_days` row marks it done. The first run back-fills every day since
the oldest data (at most `BACKFILL_DAYS`), once. The nightly job computes in a read-only snapshot
and writes a month of days per short transaction (`close_days_in_batches`): a year's back-fill of
a large network never holds SQLite's write lock for long.

On /forget, `before_erasure` first closes the days still open before today, then adds the member's
share of today's flows (the counts with them minus the counts without them), so that closing today
later, from rows where they no longer are, gives the same figures. History never changes, and no
personal row is kept.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.report.collect import Key, Stocks, flows
from bot.report.days import day_of, days_between
from storage.db import Database
from storage.models import Member, OutboxMessage
from storage.models.events import Event
from storage.models.matchmaking import Introduction
from storage.models.report import NETWORK, ReportCarried, ReportDaily, ReportDay

log = logging.getLogger(__name__)

BACKFILL_DAYS = 3 * 366
BATCH_DAYS = 31  # days closed per write transaction by the nightly job
INSERT_ROWS = 5000  # rows per INSERT statement
LOCK_KEY = 0x4D41524F  # PostgreSQL advisory lock: one closer at a time (the job, a report, an erasure)


def zone_of(config: Config) -> ZoneInfo:
    return ZoneInfo(config.network.timezone)


async def last_closed(session: AsyncSession) -> date | None:
    return (await session.execute(select(func.max(ReportDay.day)))).scalar()


async def _oldest_data_day(session: AsyncSession, zone: ZoneInfo) -> date | None:
    oldest = [value for value in [
        (await session.execute(select(func.min(Member.created_at)))).scalar(),
        (await session.execute(select(func.min(Event.starts_at)))).scalar(),
        (await session.execute(select(func.min(Introduction.created_at)))).scalar(),
        (await session.execute(select(func.min(OutboxMessage.sent_at)))).scalar(),
    ] if value is not None]
    return day_of(min(oldest), zone) if oldest else None


async def add_daily(session: AsyncSession, counts: dict[date, Counter]) -> None:
    """Add `counts` to the flows already written for those days (today's erasure shares)."""
    days = [day for day, counter in counts.items() if counter]
    if not days:
        return
    existing = {(row.day, row.metric, row.venue_id, row.dim): row.count for row in (await session.execute(
        select(ReportDaily).where(ReportDaily.day >= min(days), ReportDaily.day <= max(days)))).scalars()}
    new_rows = []
    for day in days:
        for (metric, venue, dim), n in counts[day].items():
            if n == 0:
                continue
            key = (day, metric, venue, dim)
            if key in existing:
                await session.execute(update(ReportDaily).where(
                    ReportDaily.day == day, ReportDaily.metric == metric, ReportDaily.venue_id == venue,
                    ReportDaily.dim == dim).values(count=existing[key] + n))
            else:
                new_rows.append({"day": day, "metric": metric, "venue_id": venue, "dim": dim, "count": n})
    if new_rows:
        await session.execute(insert(ReportDaily), new_rows)


async def carried_levels(session: AsyncSession, last: date) -> dict[Key, int]:
    """The stocks as carried at the end of `last`: the latest row of each key on or before it."""
    latest = (select(ReportCarried.metric, ReportCarried.venue_id, ReportCarried.dim,
                     func.max(ReportCarried.day).label("day"))
              .where(ReportCarried.day <= last)
              .group_by(ReportCarried.metric, ReportCarried.venue_id, ReportCarried.dim).subquery())
    rows = await session.execute(
        select(ReportCarried.metric, ReportCarried.venue_id, ReportCarried.dim, ReportCarried.count)
        .join(latest, (ReportCarried.metric == latest.c.metric) & (ReportCarried.venue_id == latest.c.venue_id)
              & (ReportCarried.dim == latest.c.dim) & (ReportCarried.day == latest.c.day)))
    return {(metric, venue, dim): count for metric, venue, dim, count in rows}


@dataclass
class Closing:
    """The days to close and what closing them writes, computed without writing anything."""

    first: date
    last: date
    closed_before: date | None  # the last day closed when this was read: the write checks it still is
    daily: dict[date, Counter]
    carried: list[dict]


async def plan_closing(session: AsyncSession, config: Config, now: datetime) -> Closing | None:
    """What closing every day before today not closed yet would write; None when nothing is to close."""
    zone = zone_of(config)
    yesterday = day_of(now, zone) - timedelta(days=1)
    closed = await last_closed(session)
    first = closed + timedelta(days=1) if closed else await _oldest_data_day(session, zone)
    if first is None:
        return None
    first = max(first, yesterday - timedelta(days=BACKFILL_DAYS))
    if first > yesterday:
        return None
    return Closing(first, yesterday, closed, await flows(session, first, yesterday, zone),
                   await _stock_rows(session, first, yesterday, zone, now))


async def write_closing(session: AsyncSession, closing: Closing, first: date, last: date, now: datetime) -> None:
    """Write the days `first`..`last` of `closing` (their flows, stocks and closed marks)."""
    await add_daily(session, {day: counts for day, counts in closing.daily.items() if first <= day <= last})
    rows = [row for row in closing.carried if first <= row["day"] <= last]
    for start in range(0, len(rows), INSERT_ROWS):
        await session.execute(insert(ReportCarried), rows[start:start + INSERT_ROWS])
    await session.execute(insert(ReportDay), [{"day": day, "closed_at": now} for day in days_between(first, last)])


async def _lock(session: AsyncSession) -> None:
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


async def close_days(session: AsyncSession, config: Config, now: datetime) -> int:
    """Close every day before today not closed yet, in the caller's transaction; returns how many.

    For what must close inside its own transaction (an erasure, a report); the nightly job closes a
    long back-fill with `close_days_in_batches` instead, which holds no lock while it computes."""
    await _lock(session)
    closing = await plan_closing(session, config, now)
    if closing is None:
        return 0
    await write_closing(session, closing, closing.first, closing.last, now)
    log.info("report: closed %s day(s), %s to %s", (closing.last - closing.first).days + 1, closing.first, closing.last)
    return (closing.last - closing.first).days + 1


async def close_days_in_batches(db: Database, config: Config, now: datetime, *, days: int = BATCH_DAYS) -> int:
    """Close every day not closed yet: computed in a read-only snapshot (no write lock on SQLite),
    written `days` days per short transaction, oldest first. Returns how many days this run closed.

    Each transaction first checks that the last closed day is still the one the snapshot ended on
    (else another closer — an erasure, a report, another process — went on meanwhile: its days stand
    and this run stops, the next one goes on from there). A crash between batches leaves whole days
    closed and the rest open: the next run plans from the last closed day, as if it had closed them.
    """
    async with db.read_session() as session:
        closing = await plan_closing(session, config, now)
    if closing is None:
        return 0
    expected, closed, start = closing.closed_before, 0, closing.first
    while start <= closing.last:
        end = min(start + timedelta(days=days - 1), closing.last)
        async with db.session() as session:
            await _lock(session)
            if await last_closed(session) != expected:
                log.info("report: days were closed meanwhile by another closer; %d closed here", closed)
                return closed
            await write_closing(session, closing, start, end, now)
        closed += (end - start).days + 1
        expected, start = end, end + timedelta(days=1)
    log.info("report: closed %s day(s), %s to %s, in batches of %d", closed, closing.first, closing.last, days)
    return closed


async def _stock_rows(session: AsyncSession, first: date, last: date, zone: ZoneInfo, now: datetime) -> list[dict]:
    state = await carried_levels(session, first - timedelta(days=1))
    stocks = await Stocks.load(session, last, zone, now)
    rows = []
    for i, day in enumerate(days_between(first, last)):
        levels, active, changed = stocks.at(day)
        values = {key: levels.get(key, 0) for key in (set(levels) | set(state) if i == 0 else changed)
                  if key[0] != "members.active"}
        # Active members are only known for a day that just ended: older days keep what was carried.
        if active is not None:
            values.update({key: active.get(key, 0) for key in set(active) | active_keys(state)})
        for key, value in values.items():
            if value != state.get(key, 0):
                state[key] = value
                rows.append({"day": day, "metric": key[0], "venue_id": key[1], "dim": key[2], "count": value})
    return rows


def active_keys(state: dict[Key, int]) -> set[Key]:
    return {key for key in state if key[0] == "members.active"}


def member_share(with_them: Counter, without_them: Counter) -> Counter:
    """What one member adds to a day's flows (never negative: every count grows with people)."""
    share = Counter()
    for key in set(with_them) | set(without_them):
        n = with_them.get(key, 0) - without_them.get(key, 0)
        if n:
            share[key] = n
    return share


async def before_erasure(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    """Registered with `registry.before_erasure`: runs on /forget while the member's rows still exist."""
    await close_days(session, config, now)
    zone = zone_of(config)
    today = day_of(now, zone)
    with_them = (await flows(session, today, today, zone)).get(today, Counter())
    without_them = (await flows(session, today, today, zone, exclude_member=member.id)).get(today, Counter())
    share = member_share(with_them, without_them)
    for venue in {NETWORK, member.home_venue_id or NETWORK}:
        share[("members.forgotten", venue, "")] += 1
    await add_daily(session, {today: share})
