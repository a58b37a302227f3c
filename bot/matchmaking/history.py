"""What past rounds mean for the next one: which pairs met recently, which venue pairs rarely meet.

Rounds are numbered by the order of their periods ("2026-W46" < "2026-W48"), so the round being
planned is number = how many rounds come before its period. Every proposed introduction counts as a
meeting for repeat avoidance, whatever its answer: someone who said "not this time" should not get
the same person again next round. One-off introductions (no round) count as made in the last round.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from bot.matchmaking.engine import History, pair_key
from bot.matchmaking.one_off_pairs import history_pairs
from storage.models.matchmaking import Introduction, IntroductionMember, MatchRound


async def build_history(session: AsyncSession, period: str, repeat_window: int, venue_horizon: int) -> History:
    """The engine's `History` for the round of `period` (rounds of later periods are ignored)."""
    rounds = list((await session.execute(
        select(MatchRound.id, MatchRound.period).where(MatchRound.period < period)
        .order_by(MatchRound.period))).all())
    index = {round_id: i for i, (round_id, _period) in enumerate(rounds)}
    current = len(rounds)
    horizon = max(repeat_window, venue_horizon)
    recent = [round_id for round_id, i in index.items() if current - i <= horizon]
    one_offs = await history_pairs(session, period, repeat_window)  # hook: see `one_off_pairs`
    if not recent:
        return History(round_index=current, introduced={key: current - 1 for key in one_offs})
    # One row per pair of people in an introduction (three for a triple), paired by the database:
    # a network that ran its repeat window of rounds has a million rows of members to read.
    a, b = aliased(IntroductionMember), aliased(IntroductionMember)
    rows = (await (await session.connection()).execute(
        select(Introduction.round_id, a.member_id, b.member_id, a.venue_id, b.venue_id)
        .join(a, a.introduction_id == Introduction.id)
        .join(b, (b.introduction_id == Introduction.id) & (b.slot > a.slot))
        .where(Introduction.round_id.in_(recent)))).all()
    introduced: dict[tuple[int, int], int] = {}
    venue_counts: dict[tuple[int, int], int] = defaultdict(int)
    for round_id, ma, mb, va, vb in rows:
        i = index[round_id]
        if ma is not None and mb is not None and current - i <= repeat_window:
            key = pair_key(ma, mb)
            if introduced.get(key, -1) < i:
                introduced[key] = i
        if va is not None and vb is not None and va != vb and current - i <= venue_horizon:
            venue_counts[pair_key(va, vb)] += 1
    for key in one_offs:
        introduced[key] = max(introduced.get(key, current - 1), current - 1)
    return History(round_index=current, introduced=introduced, venue_pair_counts=dict(venue_counts))
