"""Writing to the outbox: the only way anything proactive leaves Maillage.

`enqueue` is called inside the transaction that causes the message, so the message exists if and
only if the change does. The idempotency key is unique: enqueuing the same key twice keeps one row
(INSERT ... ON CONFLICT DO NOTHING on both SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.types import Button, Reply
from storage.inserts import insert_once
from storage.models import OutboxMessage, utcnow
from storage.models.runtime import OutboxStatus

OPEN_STATUSES = OutboxStatus.OPEN  # the older name, kept for its callers
BUDGET_WINDOW = timedelta(days=30)


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    if reply.attachment is not None:
        raise ValueError("attachments cannot go through the outbox; send a link instead")
    return {
        "text": reply.text,
        "title": reply.title,
        "silent": reply.silent,
        "buttons": [[{"label": b.label, "action": b.action, "payload": b.payload, "url": b.url} for b in row]
                    for row in reply.buttons],
    }


def payload_to_reply(payload: dict[str, Any]) -> Reply:
    buttons = tuple(tuple(Button(b["label"], b["action"], b.get("payload", ""), b.get("url")) for b in row)
                    for row in payload.get("buttons", []))
    return Reply(text=payload["text"], title=payload.get("title"), buttons=buttons,
                 silent=bool(payload.get("silent")))


async def enqueue(session: AsyncSession, *, key: str, platform: str, reply: Reply, chat_id: str | None = None,
                  user_id: str | None = None, member_id: int | None = None, purpose: str = "message",
                  nudge: bool = False, now: datetime | None = None, not_before: datetime | None = None) -> bool:
    """Add a message to the outbox; returns False when the key was already there (nothing written).

    `now` is the caller's clock (handlers pass ctx.now); the message is due at `not_before` or now.
    """
    if (chat_id is None) == (user_id is None):
        raise ValueError("give exactly one of chat_id (a chat) or user_id (a DM)")
    for button in reply.all_buttons():
        if button.url is None:
            button.data  # noqa: B018 -- validates the 64-byte limit now, not at delivery time
    now = now or utcnow()
    values = dict(
        key=key, platform=platform, chat_id=chat_id, user_id=user_id, member_id=member_id, purpose=purpose,
        nudge=nudge, payload=reply_to_payload(reply), status=OutboxStatus.PENDING, attempts=0,
        next_attempt_at=not_before or now, created_at=now,
    )
    written = await insert_once(session, OutboxMessage, values, key=["key"])
    if written:
        session.info["outbox_written"] = True  # the core wakes the dispatcher only after such events
    return written


async def nudges_in_window(session: AsyncSession, member_id: int, now: datetime) -> int:
    """Nudges written for a member over the rolling budget window (pending ones count: they will go)."""
    statement = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.member_id == member_id,
        OutboxMessage.nudge.is_(True),
        OutboxMessage.created_at >= now - BUDGET_WINDOW,
        OutboxMessage.status.notin_(OutboxStatus.NOT_DELIVERED),
    )
    return int((await session.execute(statement)).scalar_one())


async def erase_for_member(session: AsyncSession, member_id: int, addresses: list[tuple[str, str]]) -> int:
    """Delete every message to or about a member, whatever its state (on /forget): undelivered ones
    are never sent, delivered ones keep no copy of what was said or of the person's platform id.

    `addresses` are the member's (platform, user id) pairs, for rows written before they joined.
    """
    to_them = [and_(OutboxMessage.platform == platform, OutboxMessage.user_id == user_id)
               for platform, user_id in addresses]
    result = await session.execute(delete(OutboxMessage).where(or_(OutboxMessage.member_id == member_id, *to_them)))
    return result.rowcount
