"""Pairs introduced by one-off introductions (no round), for the next rounds' repeat avoidance.

`history` counts them as meetings of the last round, so a pair a one-off introduced is not proposed
again by the next rounds inside the repeat window. Kept apart from `one_off`, which plans with the
history: no import runs in a circle.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.matchmaking import Introduction, IntroductionMember, MatchRound

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


async def history_pairs(session: AsyncSession, period: str, repeat_window: int) -> set[tuple[int, int]]:
    """Pairs introduced by one-offs since the oldest round still inside the repeat window of the
    round of `period` (all of them while fewer rounds ran): `history` counts them as last round's.
    No window (0): repeats are allowed, one-offs are no exception."""
    if repeat_window <= 0:
        return set()
    runs = list((await session.execute(select(MatchRound.run_at).where(MatchRound.period < period)
                                       .order_by(MatchRound.period.desc()).limit(repeat_window))).scalars())
    since = runs[-1] if len(runs) >= repeat_window else EPOCH
    return await recent_pairs(session, since)


async def recent_pairs(session: AsyncSession, since: datetime) -> set[tuple[int, int]]:
    """Pairs introduced by one-offs since `since`, as sorted (low id, high id) keys."""
    rows = await session.execute(
        select(IntroductionMember.introduction_id, IntroductionMember.member_id)
        .join(Introduction, Introduction.id == IntroductionMember.introduction_id)
        .where(Introduction.round_id.is_(None), Introduction.created_at >= since,
               IntroductionMember.member_id.is_not(None)))
    groups: dict[int, list[int]] = {}
    for intro_id, member_id in rows:
        groups.setdefault(intro_id, []).append(member_id)
    return {(min(a, b), max(a, b)) for people in groups.values() for i, a in enumerate(people) for b in people[i + 1:]}
