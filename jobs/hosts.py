"""The hosts' weekly pulse: sent on Monday morning, summarised in the hosts' chat on Wednesday
afternoon (network time zone). Both are once a week by the database's own record (`HostPulse`,
outbox keys): a run missed in the last day of the same week while the bot was down is caught up
once at start, and running twice sends nothing twice."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING


from bot.cron import cron_trigger
from bot.hosts.pulse import send_pulses, summarise
from jobs.events_digest import missed_fire

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)

PULSE_CRON = "30 9 * * mon"
SUMMARY_CRON = "0 14 * * wed"


async def send_weekly_pulses(app: "App") -> int:
    async with app.db.session() as session:
        count = await send_pulses(session, app.config, app.clock.now())
    log.info("hosts' pulse: %d sent", count)
    return count


async def summarise_pulses(app: "App") -> int:
    async with app.db.session() as session:
        count = await summarise(session, app.config, app.clock.now())
    if count:
        log.info("hosts' pulse: %d needs summarised in the hosts' chat", count)
    return count


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    zone = app.config.network.timezone

    async def pulse() -> None:
        await send_weekly_pulses(app)

    async def summary() -> None:
        await summarise_pulses(app)

    scheduler.add_job(pulse, cron_trigger(PULSE_CRON, zone), id="hosts_pulse",
                      replace_existing=True)
    scheduler.add_job(summary, cron_trigger(SUMMARY_CRON, zone), id="hosts_pulse_summary",
                      replace_existing=True)
    now = app.clock.now()
    if missed_fire(PULSE_CRON, zone, now) is not None:
        scheduler.add_job(pulse, "date", id="hosts_pulse_catch_up", replace_existing=True)
    if missed_fire(SUMMARY_CRON, zone, now) is not None:
        scheduler.add_job(summary, "date", id="hosts_pulse_summary_catch_up", replace_existing=True)
