"""The light-touch rules for nudges: quiet hours in the member's time zone, and an attention budget.

A nudge (an introduction, a follow-up, a campaign, a digest) that falls in quiet hours is deferred to
the next allowed moment, never dropped; the budget caps nudges per member over a rolling 30 days.
Transactional messages (answers, accepted introductions, cancellations) are not nudges.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AttentionConfig
from storage.outbox import nudges_in_window


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def is_quiet(local: datetime, config: AttentionConfig) -> bool:
    if config.quiet_weekends and local.weekday() >= 5:
        return True
    start, end = _clock(config.quiet_start), _clock(config.quiet_end)
    now = local.time()
    if start == end:
        return False
    if start > end:  # spans midnight, e.g. 20:00-09:00
        return now >= start or now < end
    return start <= now < end


def next_allowed(now: datetime, timezone: str, config: AttentionConfig) -> datetime:
    """`now` if a nudge may go now, else the first allowed moment after it (aware, UTC)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if not is_quiet(local, config):
        return now
    end = _clock(config.quiet_end)
    day = local.date()
    for _ in range(8):
        candidate = datetime.combine(day, end, tzinfo=zone)
        if candidate > local and not is_quiet(candidate, config):
            return candidate.astimezone(now.tzinfo)
        day += timedelta(days=1)
    return now  # quiet all week long is a configuration choice we cannot honour: send now


async def budget_left(session: AsyncSession, member_id: int, now: datetime, config: AttentionConfig) -> int:
    return max(config.budget_per_30_days - await nudges_in_window(session, member_id, now), 0)
