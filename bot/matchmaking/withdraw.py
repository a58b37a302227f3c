"""Withdrawing the proposals of an introduction that closed before they were delivered.

A proposal still waiting in the outbox (quiet hours, budget) would ask someone about an
introduction that is over: it is cancelled, never sent. Rows already sent or finished are left.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.matchmaking.one_off import proposal_key
from storage.models import OutboxMessage
from storage.models.matchmaking import Introduction, MatchRound
from storage.models.runtime import OutboxStatus


async def round_period(session: AsyncSession, intro: Introduction) -> str | None:
    """The period of `intro`'s round (its proposals' outbox keys carry it); None for a one-off."""
    if intro.round_id is None:
        return None
    found = await session.execute(select(MatchRound.period).where(MatchRound.id == intro.round_id))
    return found.scalar_one_or_none()


async def undelivered(session: AsyncSession, intro: Introduction, period: str | None) -> set[int]:
    """Members of `intro` whose proposal was never delivered (still queued, cancelled, or lost).
    A row no longer there counts as delivered: better a note too many than a partner left waiting."""
    keys = {proposal_key(intro, period, s.member_id): s.member_id for s in intro.members if s.member_id is not None}
    if not keys:
        return set()
    rows = await session.execute(select(OutboxMessage.key).where(
        OutboxMessage.key.in_(keys), OutboxMessage.status.in_(OutboxStatus.OPEN + OutboxStatus.NOT_DELIVERED)))
    return {keys[key] for (key,) in rows}


async def withdraw(session: AsyncSession, intro: Introduction, period: str | None,
                   member_ids: Iterable[int | None]) -> None:
    """Cancel the proposals of `member_ids` for `intro` that are still waiting to be sent."""
    keys = [proposal_key(intro, period, m) for m in member_ids if m is not None]
    if keys:
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.key.in_(keys), OutboxMessage.status.in_(OutboxStatus.OPEN))
            .values(status=OutboxStatus.CANCELLED).execution_options(synchronize_session=False))
