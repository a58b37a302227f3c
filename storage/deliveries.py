"""Recording that a platform delivery was handled, so a repeat of it is applied once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import insert_once
from storage.models.deliveries import HandledDelivery

# Telegram keeps an unconfirmed update for 24 hours; two days covers any replay with room to spare.
DELIVERY_MEMORY = timedelta(days=2)


async def first_delivery(session: AsyncSession, platform: str, delivery_id: str, now: datetime) -> bool:
    """Record the delivery in the session's transaction; False when it was already handled."""
    return await insert_once(session, HandledDelivery,
                             {"platform": platform, "delivery_id": delivery_id, "handled_at": now},
                             key=["platform", "delivery_id"])


async def forget_old_deliveries(session: AsyncSession, now: datetime) -> int:
    """Drop records older than any platform would replay."""
    result = await session.execute(delete(HandledDelivery).where(HandledDelivery.handled_at < now - DELIVERY_MEMORY))
    return result.rowcount
