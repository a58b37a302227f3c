"""APScheduler 3 in Maillage's own asyncio loop, rebuilt from config and database at every start.

Only one process schedules: on PostgreSQL, the one that holds an advisory lock (several processes
can share a database); on SQLite there is one process anyway. A job missed while the bot was down
still runs once: interval jobs (reminders, feeds, expiries) work on windows and catch up by
themselves; the weekly digest and matchmaking rounds look at start for the run they missed (the
digest within a day, a round within its period, and only one missed while the network was already
scheduling: see `jobs.matchmaking`). The database, not APScheduler, remembers what
already ran (unique periods, idempotency keys), so running a job twice is always harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

from bot.plugins import modules_with

if TYPE_CHECKING:
    from bot.application import App

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x4D41494C  # "MAIL": the scheduler's PostgreSQL advisory lock


def job_modules() -> list:
    return modules_with("jobs", "schedule")


def build_scheduler(app: "App") -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=app.config.network.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 24 * 3600},
    )
    for module in job_modules():
        module.schedule(scheduler, app)
    return scheduler


class SchedulerLock:
    """Holds PostgreSQL's advisory lock for the life of the process; always granted on SQLite."""

    def __init__(self, app: "App") -> None:
        self.app = app
        self._connection = None
        self._said_standby = False  # the standby is said once, not at every check

    async def acquire(self) -> bool:
        if self.app.db.dialect != "postgresql":
            return True
        await self._close_quietly()
        # AUTOCOMMIT: a session-level lock needs no transaction, and an "idle in transaction"
        # connection could be killed by idle_in_transaction_session_timeout, silently freeing the lock.
        self._connection = await self.app.db.engine.connect()
        await self._connection.execution_options(isolation_level="AUTOCOMMIT")
        granted = (await self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                                  {"key": ADVISORY_LOCK_KEY})).scalar()
        if not granted:
            await self._connection.close()
            self._connection = None
            (log.debug if self._said_standby else log.info)(
                "another process holds the scheduler lock; this one will not schedule (it checks again and "
                "takes over if that process stops)")
            self._said_standby = True
        else:
            self._said_standby = False
        return bool(granted)

    async def still_held(self) -> bool:
        """Whether this process still holds the lock (its connection may have died with the server)."""
        if self.app.db.dialect != "postgresql":
            return True
        if self._connection is None:
            return False
        try:
            held = (await self._connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND objid = :key AND granted"), {"key": ADVISORY_LOCK_KEY})).scalar()
        except Exception:
            log.warning("the scheduler lock's connection is gone", exc_info=True)
            await self._close_quietly()
            return False
        return bool(held)

    async def release(self) -> None:
        if self._connection is not None:
            await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            await self._connection.close()
            self._connection = None

    async def _close_quietly(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.close()
            except Exception:
                log.debug("closing a dead lock connection failed", exc_info=True)
            self._connection = None


class SchedulerSupervisor:
    """Runs the scheduler in this process while it holds the lock, and keeps checking: a process that
    lost the lock (database restart, killed connection) stops scheduling, and one that did not have it
    takes over when the holder dies. So exactly one process schedules, and never none for long."""

    def __init__(self, app: "App", check_seconds: float = 60.0,
                 on_lead: Callable[[bool], Awaitable[None]] | None = None) -> None:
        self.app = app
        self.lock = SchedulerLock(app)
        self.check_seconds = check_seconds
        self.scheduler: AsyncIOScheduler | None = None
        # Told True when this process takes the lock and False when it loses it: what only one
        # process may do besides scheduling follows it (Telegram's polling, see bot.ports.SingleReceiver).
        self.on_lead = on_lead

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check()
            except Exception:
                log.exception("scheduler supervision failed; trying again")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.check_seconds)
            except asyncio.TimeoutError:
                pass

    async def check(self) -> None:
        if self.scheduler is None:
            if await self.lock.acquire():
                self.scheduler = build_scheduler(self.app)
                self.scheduler.start()
                log.info("scheduler started: %s", ", ".join(sorted(job.id for job in self.scheduler.get_jobs())))
                await self._tell(True)
        elif not await self.lock.still_held():
            log.error("this process lost the scheduler lock: it stops scheduling (another one takes over)")
            self._stop_scheduler()
            await self._tell(False)
        else:
            await self._tell(True)  # idempotent; retries what failed to start at take-over (Telegram's polling)

    async def _tell(self, leading: bool) -> None:
        if self.on_lead is not None:
            await self.on_lead(leading)

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None

    async def close(self) -> None:
        self._stop_scheduler()
        try:
            await self.lock.release()
        except Exception:  # a dead lock connection must not skip the rest of the shutdown
            log.exception("releasing the scheduler lock failed")
