"""APScheduler 3 in Maillage's own asyncio loop, rebuilt from config and database at every start.

Only one process schedules: on PostgreSQL, the one that holds an advisory lock (several processes
can share a database); on SQLite there is one process anyway. A job missed while the bot was down
still runs once: interval jobs (reminders, feeds, expiries) work on windows and catch up by
themselves; the weekly digest and matchmaking rounds look at start for the run they missed (the
digest within a day, a round within its period). The database, not APScheduler, remembers what
already ran (unique periods, idempotency keys), so running a job twice is always harmless.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x4D41494C  # "MAIL": the scheduler's PostgreSQL advisory lock


def job_modules() -> list:
    import jobs

    modules = []
    for info in sorted(pkgutil.iter_modules(jobs.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"jobs.{info.name}")
        if hasattr(module, "schedule"):
            modules.append(module)
    return modules


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

    async def acquire(self) -> bool:
        if self.app.db.dialect != "postgresql":
            return True
        # AUTOCOMMIT: a session-level lock needs no transaction, and an "idle in transaction"
        # connection could be killed by idle_in_transaction_session_timeout, silently freeing the lock.
        self._connection = await self.app.db.engine.connect()
        await self._connection.execution_options(isolation_level="AUTOCOMMIT")
        granted = (await self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                                  {"key": ADVISORY_LOCK_KEY})).scalar()
        if not granted:
            await self._connection.close()
            self._connection = None
            log.info("another process holds the scheduler lock; this one will not schedule")
        return bool(granted)

    async def release(self) -> None:
        if self._connection is not None:
            await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            await self._connection.close()
            self._connection = None
