"""Nightly housekeeping: forget expired conversations and old delivered outbox rows."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete

from storage.db import Database
from storage.models import ConversationState, OutboxMessage

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.app import App

log = logging.getLogger(__name__)

SENT_RETENTION = timedelta(days=90)


async def purge(db: Database, now: datetime) -> tuple[int, int]:
    async with db.session() as session:
        conversations = await session.execute(delete(ConversationState).where(ConversationState.expires_at <= now))
        sent = await session.execute(delete(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.sent_at < now - SENT_RETENTION))
    log.info("housekeeping: %s expired conversations, %s old messages removed", conversations.rowcount, sent.rowcount)
    return conversations.rowcount, sent.rowcount


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def run() -> None:
        await purge(app.db, app.clock.now())

    scheduler.add_job(run, "cron", hour=3, minute=30, id="housekeeping", replace_existing=True)
