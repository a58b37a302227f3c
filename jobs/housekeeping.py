"""Nightly housekeeping: forget expired conversations, old delivered outbox rows and old delivery ids."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, update

from bot.cron import daily_at
from storage.db import Database
from storage.deliveries import forget_old_deliveries
from storage.models import ConversationState, OutboxMessage
from storage.models.runtime import OutboxStatus

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)

TEXT_RETENTION = timedelta(days=90)  # what a finished message said is kept this long (for /mydata)...
KEY_RETENTION = timedelta(days=400)  # ...its idempotency key this long, so nothing is ever sent twice
FINISHED = OutboxStatus.FINISHED


async def purge(db: Database, now: datetime) -> tuple[int, int]:
    """Forget expired conversations, the text of old finished messages, then the old rows themselves."""
    async with db.session() as session:
        conversations = await session.execute(delete(ConversationState).where(ConversationState.expires_at <= now))
        finished = OutboxMessage.status.in_(FINISHED)
        await session.execute(update(OutboxMessage).where(finished, OutboxMessage.created_at < now - TEXT_RETENTION)
                              .values(payload={"text": ""}))
        old = await session.execute(delete(OutboxMessage).where(finished,
                                                                OutboxMessage.created_at < now - KEY_RETENTION))
        await forget_old_deliveries(session, now)
    log.info("housekeeping: %s expired conversations, %s old messages removed", conversations.rowcount, old.rowcount)
    return conversations.rowcount, old.rowcount


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        await purge(app.db, app.clock.now())

    scheduler.add_job(run, daily_at(3, 30, app.config.network.timezone), id="housekeeping", replace_existing=True)
