"""Cron triggers that fire once per wall-clock time, across daylight-saving changes.

APScheduler 3's `CronTrigger` fires a job set at a fixed hour twice on the night summer time ends:
02:30 Europe/Paris happens at 00:30 and again at 01:30 UTC on the last Sunday of October, and it
fires at both. A digest or a round would go out twice. `WallClockCron` keeps cron's own rule
(Vixie cron's, documented in the README): a job at a fixed hour runs once at the first occurrence
of a repeated time; a job whose hour is `*` runs every real hour. A time that does not exist (02:30
on the night summer time starts) runs once, an hour later on the clock (03:30), as APScheduler does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apscheduler.triggers.cron import CronTrigger

UTC = timezone.utc


class WallClockCron(CronTrigger):
    """A `CronTrigger` that skips the second occurrence of a repeated wall-clock time."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        if fire is None or self._hour_is_wildcard():
            return fire
        while fire is not None and _is_repeat(fire):
            # The same wall time already came an hour earlier (at the earlier offset): look on from
            # just after it (APScheduler starts from previous + 1 µs whatever `now` says).
            fire = super().get_next_fire_time(None, fire.astimezone(UTC) + timedelta(microseconds=1))
        return fire

    def _hour_is_wildcard(self) -> bool:
        return str(next(field for field in self.fields if field.name == "hour")) == "*"


def _is_repeat(moment: datetime) -> bool:
    """Whether this local time is the second of two (the hour repeated when summer time ends)."""
    naive = moment.replace(tzinfo=None)
    first = naive.replace(fold=0, tzinfo=moment.tzinfo)
    second = naive.replace(fold=1, tzinfo=moment.tzinfo)
    return first.utcoffset() != second.utcoffset() and moment.utcoffset() == second.utcoffset()


def cron_trigger(expression: str, zone) -> WallClockCron:
    """The trigger of a five-field crontab `expression` in time zone `zone` (a name or a tzinfo)."""
    return WallClockCron.from_crontab(expression, timezone=zone)


def daily_at(hour: int, minute: int, zone) -> WallClockCron:
    """A trigger firing once a day at `hour:minute` on the clock of `zone`."""
    return WallClockCron(hour=hour, minute=minute, timezone=zone)
