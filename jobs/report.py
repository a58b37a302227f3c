"""Nightly: close the day just over into the report's anonymous aggregates (bot/report/aggregate.py).

Missed nights catch up by themselves: the job closes every day not closed yet, so running it at
start, twice, or after a week down is harmless. The first run back-fills the existing data.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.cron import daily_at
from bot.report.aggregate import close_days_in_batches

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


async def run(app: "App") -> int:
    # Computed in a snapshot, written a month of days per transaction: commands never wait long.
    return await close_days_in_batches(app.db, app.config, app.clock.now())


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    hour, minute = (int(part) for part in app.config.report.aggregate_at.split(":"))

    async def nightly() -> None:
        await run(app)

    scheduler.add_job(nightly, daily_at(hour, minute, app.config.network.timezone), id="report_aggregate",
                      replace_existing=True)
    # At start too: a night missed while the bot was down (or the first back-fill) is caught up at once.
    scheduler.add_job(nightly, "date", id="report_aggregate_catch_up", replace_existing=True)
