"""A job set at 02:30 Europe/Paris runs once a day across both daylight-saving changes (issue 18.10)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.cron import WallClockCron, cron_trigger
from jobs.events_digest import missed_fire
from jobs.scheduler import build_scheduler

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc
SUMMER_ENDS = date(2026, 10, 25)  # 03:00 CEST becomes 02:00 CET: 02:00-03:00 happens twice
SUMMER_STARTS = date(2027, 3, 28)  # 02:00 CET becomes 03:00 CEST: 02:00-03:00 never happens


def fires(trigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time from `start` to `end`, stepping as APScheduler's own scheduler does (on UTC)."""
    found, previous, now = [], None, start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire > end:
            return found
        found.append(fire)
        previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)


def around(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day - timedelta(days=3), datetime.min.time(), PARIS)
    return start, start + timedelta(days=7)


def test_apscheduler_alone_fires_twice_the_night_summer_time_ends():
    # The reason WallClockCron exists: if this starts failing, APScheduler fixed it upstream.
    runs = fires(CronTrigger.from_crontab("30 2 * * *", timezone=PARIS), *around(SUMMER_ENDS))
    assert Counter(fire.astimezone(PARIS).date() for fire in runs)[SUMMER_ENDS] == 2


def test_a_fixed_time_runs_once_a_day_across_both_changes():
    for day in (SUMMER_ENDS, SUMMER_STARTS):
        runs = fires(cron_trigger("30 2 * * *", PARIS), *around(day))
        per_day = Counter(fire.astimezone(PARIS).date() for fire in runs)
        assert len(runs) == 7 and set(per_day.values()) == {1}, runs
    ends = [fire for fire in fires(cron_trigger("30 2 * * *", PARIS), *around(SUMMER_ENDS))
            if fire.astimezone(PARIS).date() == SUMMER_ENDS]
    assert [fire.astimezone(UTC).hour for fire in ends] == [0]  # the first 02:30 (CEST)
    starts = [fire for fire in fires(cron_trigger("30 2 * * *", PARIS), *around(SUMMER_STARTS))
              if fire.astimezone(PARIS).date() == SUMMER_STARTS]
    assert [fire.astimezone(UTC).strftime("%H:%M") for fire in starts] == ["01:30"]  # 03:30 CEST


def test_several_fires_inside_the_repeated_hour_run_once_each():
    runs = fires(cron_trigger("*/15 2 * * *", PARIS), *around(SUMMER_ENDS))
    night = [fire.astimezone(UTC).strftime("%H:%M") for fire in runs if fire.astimezone(PARIS).date() == SUMMER_ENDS]
    assert night == ["00:00", "00:15", "00:30", "00:45"]  # 02:00-02:45 CEST; not again at CET


def test_an_hourly_job_runs_every_real_hour():
    for day, hours in ((SUMMER_ENDS, 25), (SUMMER_STARTS, 23)):
        start = datetime.combine(day, datetime.min.time(), PARIS)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), PARIS) - timedelta(seconds=1)
        runs = fires(cron_trigger("17 * * * *", PARIS), start, end)
        assert len(runs) == hours
        assert len({fire.astimezone(UTC) for fire in runs}) == hours


def test_the_digest_catch_up_finds_the_night_s_run_once():
    # At 01:45 UTC on the night summer time ends, the first 02:30 passed at 00:30 UTC: found, and
    # the search ends (stepping on local time would have gone back into the repeated hour).
    now = datetime(2026, 10, 25, 1, 45, tzinfo=UTC)
    found = missed_fire("30 2 * * *", "Europe/Paris", now)
    assert found is not None and found.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


async def test_every_cron_job_of_the_scheduler_keeps_to_the_wall_clock(app):
    scheduler = build_scheduler(app)
    crons = [job for job in scheduler.get_jobs() if isinstance(job.trigger, CronTrigger)]
    assert {job.id for job in crons} >= {"housekeeping", "events_digest"}
    assert [job.id for job in crons if not isinstance(job.trigger, WallClockCron)] == []
