"""Hourly: close the introduction requests left unanswered for seven days.

Each requester gets the same neutral answer a decline gives, so silence and refusal look alike.
Running twice is harmless: only requests still pending are touched, and each answer has its own
idempotency key in the outbox.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.cron import cron_trigger
from bot.directory.requests import expire_due

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


async def expire_requests(app: "App") -> int:
    async with app.db.session() as session:
        count = await expire_due(session, app.config, app.clock.now())
    if count:
        log.info("intro requests: %d expired after seven days without an answer", count)
    return count


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        await expire_requests(app)

    scheduler.add_job(run, cron_trigger("17 * * * *", app.config.network.timezone), id="intro_requests_expiry",
                      replace_existing=True)
