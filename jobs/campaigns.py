"""Every minute: start the campaigns whose time has come and write their recipients to the outbox,
batch by batch (see `bot.campaigns.sending`). Running twice, or after a crash, is harmless: each
batch resumes after the last member recorded, and each message has its own idempotency key."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.campaigns.sending import deliver_due

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


async def send_campaigns(app: "App") -> int:
    covered = await deliver_due(app.db, app.config, app.clock.now())
    if covered:
        log.info("campaigns: %d recipients written to the outbox", covered)
        if app.dispatcher is not None:
            app.dispatcher.wake.set()
    return covered


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        await send_campaigns(app)

    scheduler.add_job(run, "interval", minutes=1, id="campaigns_send", replace_existing=True, max_instances=1,
                      coalesce=True)
