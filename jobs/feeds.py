"""The feed sync job: every `events.feed_sync_minutes`, all enabled feeds, one failing never
stopping the others (see bot.feeds.sync). The first run comes shortly after start."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot.feeds.sync import sync_all

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)

FIRST_RUN_DELAY = timedelta(seconds=30)  # let the adapters connect first


async def run_sync(app: "App") -> None:
    outcomes = await sync_all(app.db, app.config, app.clock.now())
    failed = [o for o in outcomes if o.status == "failed"]
    updated = [o for o in outcomes if o.status == "updated"]
    kinds = Counter(o.error_kind or "?" for o in failed)
    log.info("feeds: %d synced, %d updated, %d failed%s", len(outcomes), len(updated), len(failed),
             f" ({', '.join(f'{kind}: {n}' for kind, n in kinds.most_common())})" if kinds else "")


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        await run_sync(app)

    # APScheduler compares next_run_time with its own wall clock, so this one uses real time.
    first = datetime.now(timezone.utc) + FIRST_RUN_DELAY
    scheduler.add_job(run, "interval", minutes=app.config.events.feed_sync_minutes, id="feeds-sync",
                      replace_existing=True, next_run_time=first)
