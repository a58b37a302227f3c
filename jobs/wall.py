"""Nightly: forget the wall's change log older than a day (screens only ever read its last seconds)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.cron import daily_at
from bot.wall.changes import prune

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        removed = await prune(app.db, app.clock.now())
        log.info("wall: %s old change(s) forgotten", removed)

    scheduler.add_job(run, daily_at(3, 40, app.config.network.timezone), id="wall_changes_prune",
                      replace_existing=True)
