"""Privacy upkeep: erase again whoever a restored backup brought back (at start, then nightly), and
forget code attempts once the throttling window has passed.

Also tells the operator, once per incident, about messages whose send outcome is unknown after a
crash (`maillage outbox unknown` lists them; see bot/outbox/unknown.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot.cron import daily_at
from bot.features import erasure
from bot.outbox import unknown as outbox_unknown
from bot.throttle import purge_attempts

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


async def upkeep(app: "App") -> None:
    now = app.clock.now()
    await erasure.reapply(app.db, app.core.registry, app.config, now)
    await purge_attempts(app.db, now)


async def watch_unknown(app: "App") -> None:
    await outbox_unknown.tell_operator(app.db, app.config, app.clock.now())


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run_upkeep() -> None:
        await upkeep(app)

    async def run_watch() -> None:
        await watch_unknown(app)

    # At start too: a restore is followed by a start, and nobody must wait a night to be erased again.
    # APScheduler compares next_run_time with its own wall clock, so these use real time.
    soon = datetime.now(timezone.utc) + timedelta(seconds=5)
    scheduler.add_job(run_upkeep, daily_at(3, 45, app.config.network.timezone), id="privacy_upkeep",
                      replace_existing=True, next_run_time=soon)
    scheduler.add_job(run_watch, "interval", minutes=15, id="outbox_unknown_watch", replace_existing=True,
                      next_run_time=soon + timedelta(seconds=55))  # after the dispatcher's own recovery
