"""Every quarter of an hour: close the opportunities whose closing date has come.

Each poster is told the count once (the message has its own idempotency key); interest still
pending is closed. Running twice is harmless: only open opportunities past their date are touched.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.cron import cron_trigger
from bot.partners.opportunities import close_due

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


async def close_opportunities(app: "App") -> int:
    async with app.db.session() as session:
        count = await close_due(session, app.config, app.clock.now())
    if count:
        log.info("opportunities: %d closed at their date", count)
    return count


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        await close_opportunities(app)

    scheduler.add_job(run, cron_trigger("*/15 * * * *", app.config.network.timezone), id="opportunities_closing",
                      replace_existing=True)
