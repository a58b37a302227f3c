"""When rounds happen: the effective schedule, the round due at a given time, and its period string.

A round fires at the times of a cron expression (network time zone), but only in every N-th week,
counting weeks from a fixed Monday so the rhythm survives restarts. The round *due* at time T is the
latest such fire time at or before T; its period is the ISO week of that fire time ("2026-W48").
A period names exactly one round (the database enforces it), so a dry-run, the scheduled run, a
catch-up after downtime and `maillage match --run --at` all agree on which round they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.cron import WallClockCron, cron_trigger
from storage.models.matchmaking import MatchSchedule

EPOCH_MONDAY = date(2001, 1, 1)  # a Monday: week 0 of the every-N-weeks rhythm
LOOKBACK_WEEKS = 60  # how far back the round due at a time is searched for
MAX_STEPS = 20_000  # cron fire times examined per search


@dataclass(frozen=True)
class Schedule:
    cron: str
    every_weeks: int
    timezone: str
    overridden: bool = False  # set by an animator with /matchmaking schedule

    def trigger(self) -> WallClockCron:
        return cron_trigger(self.cron, ZoneInfo(self.timezone))

    def in_rhythm(self, when: datetime) -> bool:
        """Whether `when` falls in a week where rounds run."""
        local = when.astimezone(ZoneInfo(self.timezone)).date()
        monday = local - timedelta(days=local.weekday())
        return ((monday - EPOCH_MONDAY).days // 7) % self.every_weeks == 0

    def fire_times(self, start: datetime, end: datetime) -> list[datetime]:
        """Round times in (start, end], in order."""
        trigger = self.trigger()
        found: list[datetime] = []
        previous: datetime | None = None
        at = trigger.get_next_fire_time(None, start + timedelta(microseconds=1))
        steps = 0
        while at is not None and at <= end and steps < MAX_STEPS:  # a cron firing every minute stops here
            steps += 1
            if self.in_rhythm(at):
                found.append(at)
            previous = at
            at = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
        return found

    def due_at(self, when: datetime) -> datetime | None:
        """The fire time of the round due at `when` (the latest at or before it), or None."""
        times = self.fire_times(when - timedelta(weeks=LOOKBACK_WEEKS), when)
        return times[-1] if times else None

    def next_after(self, when: datetime, count: int = 1) -> list[datetime]:
        """The next `count` round times strictly after `when`."""
        found: list[datetime] = []
        start = when
        for _ in range(8):  # windows of a year; a cron that never fires in rhythm stops here
            times = self.fire_times(start, start + timedelta(weeks=LOOKBACK_WEEKS))
            found += times[: count - len(found)]
            if len(found) >= count:
                break
            start += timedelta(weeks=LOOKBACK_WEEKS)
        return found

    def period_length(self) -> timedelta:
        return timedelta(weeks=self.every_weeks)


def period_of(fire_time: datetime, timezone: str) -> str:
    """The period string of a round fired at `fire_time`: its ISO week in the network time zone."""
    year, week, _ = fire_time.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


async def effective_schedule(session: AsyncSession, config: Config) -> Schedule:
    """The animators' schedule if they set one, else the configuration's."""
    stored = await session.get(MatchSchedule, 1)
    zone = config.network.timezone
    if stored is not None:
        return Schedule(stored.cron, stored.every_weeks, zone, overridden=True)
    return Schedule(config.matchmaking.cron, config.matchmaking.every_weeks, zone)


async def set_schedule(session: AsyncSession, cron: str | None, every_weeks: int, member_id: int | None,
                       now: datetime) -> None:
    """Store the animators' schedule; `cron=None` goes back to the configuration's."""
    stored = await session.get(MatchSchedule, 1)
    if cron is None:
        if stored is not None:
            await session.delete(stored)
        return
    if stored is None:
        stored = MatchSchedule(id=1, cron=cron, every_weeks=every_weeks)
        session.add(stored)
    stored.cron, stored.every_weeks, stored.updated_by_id, stored.updated_at = cron, every_weeks, member_id, now

