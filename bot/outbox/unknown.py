"""Messages whose send outcome is unknown (the process stopped mid-send, or the platform gave no
answer): never resent by themselves — a duplicate could be worse than a miss — but never silent.

- `unknown_messages` lists them (`maillage outbox unknown`).
- `tell_operator` (every 15 minutes, `jobs/privacy.py`) tells the network's animators once per
  incident: the rows that turned unknown since the last notice make one message, with the count
  and the commands to check and resend; each row is marked as told so it is never counted twice.
- `resend` (`maillage outbox resend ID`) puts one back in the queue once a person checked that it
  did not arrive. Only an unknown row can be resent: a sent one never goes twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.feeds.health import network_team
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.types import Reply
from storage.db import Database
from storage.models import OutboxMessage
from storage.models.privacy import UnknownOutcomeTold
from storage.models.runtime import OutboxStatus

log = logging.getLogger(__name__)


async def unknown_messages(session: AsyncSession) -> list[OutboxMessage]:
    return list((await session.execute(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.UNKNOWN)
                                       .order_by(OutboxMessage.id))).scalars())


async def tell_operator(db: Database, config: Config, now: datetime) -> int:
    """Tell the animators about the unknown messages not told yet; returns how many were new."""
    async with db.session() as session:
        told = select(UnknownOutcomeTold.outbox_id)
        new = list((await session.execute(select(OutboxMessage.id).where(
            OutboxMessage.status == OutboxStatus.UNKNOWN, OutboxMessage.id.notin_(told))
            .order_by(OutboxMessage.id))).scalars())
        if not new:
            return 0
        total = len(await unknown_messages(session))
        log.warning("outbox: %d message(s) with an unknown outcome (%d new): check them with "
                    "`maillage outbox unknown`, resend one with `maillage outbox resend ID`", total, len(new))

        def render(t: Translator) -> Reply:
            return Reply(t("privacy.unknown_outcomes", count=len(new), total=total), title=t("privacy.unknown_title"))

        for member in await network_team(session, config):
            await notify_member(session, config, member, render, key=f"outbox-unknown:{new[0]}:{member.id}",
                                purpose="operator", now=now)
        session.add_all(UnknownOutcomeTold(outbox_id=row_id, told_at=now) for row_id in new)
    return len(new)


class NotResendable(ValueError):
    """The message does not exist or its outcome is known."""


async def resend(session: AsyncSession, message_id: int, now: datetime) -> OutboxMessage:
    """Queue one unknown message again, after a person checked it did not arrive."""
    row = await session.get(OutboxMessage, message_id)
    if row is None:
        raise NotResendable(f"no outbox message {message_id} (see `maillage outbox unknown`)")
    if row.status != OutboxStatus.UNKNOWN:
        raise NotResendable(f"outbox message {message_id} is {row.status}, not unknown: only an unknown one is resent")
    row.status, row.claimed_by, row.claimed_at, row.next_attempt_at = OutboxStatus.PENDING, None, None, now
    row.last_error = f"resent by the operator at {now.isoformat(timespec='seconds')} after checking"
    await session.execute(UnknownOutcomeTold.__table__.delete().where(UnknownOutcomeTold.outbox_id == message_id))
    return row
