"""Matchmaking jobs: the round on its schedule, and a short tick for everything around it.

- `matchmaking.round`: a cron job from the effective schedule (the animators' if they set one with
  /matchmaking schedule, else [matchmaking]); it runs the round due at its fire time. Rounds on
  off-weeks (every_weeks) are skipped by the rhythm check, not by APScheduler.
- `matchmaking.tick` (every `tick_minutes`, and once at start): rebuilds the round job when the
  schedule changed (replace_existing), runs a round that was due but missed while the bot was down
  (once: the period is unique in the database) — only one missed while the network was already
  scheduling: the first start ever records that moment, so a first start on a Wednesday does not
  run last Monday's round — closes introductions whose answer window is over or whose proposal
  can never arrive (the member blocked or never started the bot: each partner still in it gets one
  kind note and priority next round, issue 18.5), sends follow-ups, and ends pauses with their one
  notice. One-off introductions (no round) go through the same sweep.
Job bodies read and write the database only; delivery is the outbox's.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.matchmaking import respond
from bot.matchmaking.periods import Schedule, catch_up_due, effective_schedule, scheduling_since
from bot.matchmaking.run import run_round

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)

ROUND_JOB, TICK_JOB = "matchmaking.round", "matchmaking.tick"


async def scheduled_round(app: "App") -> None:
    """The cron job's body: the round due now, if this week is in the rhythm."""
    now = app.clock.now()
    async with app.db.session() as session:
        sched = await effective_schedule(session, app.config)
    if not sched.in_rhythm(now):
        return
    await run_round(app.db, app.config, now, "schedule")


async def catch_up(app: "App", now: datetime) -> str | None:
    """Run the round due now if its period has not run yet, its time is within one period, and the
    network was already scheduling rounds then (see `periods.catch_up_due`)."""
    async with app.db.session() as session:
        sched = await effective_schedule(session, app.config)
        since = await scheduling_since(session, now)
    fire = catch_up_due(sched, now, since)
    if fire is None:
        return None
    # At debug level when nothing is to do (every tick of the period says it); `-v` shows it.
    log.debug("matchmaking catch-up: the round due at %s is checked", fire.isoformat(timespec="minutes"))
    outcome = await run_round(app.db, app.config, now, "catch_up")
    log.log(logging.INFO if outcome.status == "ran" else logging.DEBUG, "matchmaking catch-up: %s",
            "the round ran" if outcome.status == "ran" else f"nothing to do ({outcome.status})")
    return outcome.status


async def housekeeping(app: "App", now: datetime) -> dict[str, int]:
    """Expiries, undeliverable proposals, follow-ups and pause ends, in one transaction."""
    async with app.db.session() as session:
        counts = await respond.sweep_open(session, app.config, now)
        counts.update(await respond.send_follow_ups(session, app.config, now))
        counts["pauses_ended"] = await respond.end_pauses(session, app.config, now)
    return counts


def _add_round_job(scheduler: "BaseScheduler", app: "App", sched: Schedule) -> None:
    scheduler.add_job(scheduled_round, sched.trigger(), args=[app], id=ROUND_JOB, replace_existing=True,
                      name=f"matchmaking round ({sched.cron}, every {sched.every_weeks} week(s))")


async def tick(scheduler: "BaseScheduler", app: "App", state: dict) -> None:
    now = app.clock.now()
    async with app.db.session() as session:
        sched = await effective_schedule(session, app.config)
    if state.get("schedule") != (sched.cron, sched.every_weeks):
        _add_round_job(scheduler, app, sched)
        state["schedule"] = (sched.cron, sched.every_weeks)
        log.info("matchmaking rounds scheduled: %s, every %d week(s) (%s)", sched.cron, sched.every_weeks,
                 "set in chat" if sched.overridden else "from the configuration")
    try:
        await catch_up(app, now)
    except Exception:
        log.exception("matchmaking catch-up failed; the next tick tries again")
    await housekeeping(app, now)


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    config = app.config.matchmaking
    state: dict = {}
    _add_round_job(scheduler, app, Schedule(config.cron, config.every_weeks, app.config.network.timezone))
    state["schedule"] = (config.cron, config.every_weeks)
    # next_run_time=now: the first tick runs at start (a round missed while down, a changed schedule).
    scheduler.add_job(tick, "interval", minutes=config.tick_minutes, args=[scheduler, app, state], id=TICK_JOB,
                      replace_existing=True, next_run_time=app.clock.now(), name="matchmaking tick")
