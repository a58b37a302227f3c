"""What past rounds mean for the next one (`build_history`): every pair inside an introduction
(three for a triple), the latest round a pair met in, venue pairs over their own horizon."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.matchmaking.history import build_history
from storage.models import Venue
from storage.models.matchmaking import Introduction, IntroductionMember, MatchRound


async def _round(app, period: str, groups: list[list[tuple[int, int]]], at) -> None:
    async with app.db.session() as session:
        rnd = MatchRound(period=period, run_at=at, stats={})
        session.add(rnd)
        await session.flush()
        for group in groups:
            intro = Introduction(round_id=rnd.id, score=5.0, created_at=at, expires_at=at + timedelta(days=3))
            session.add(intro)
            await session.flush()
            session.add_all(IntroductionMember(introduction_id=intro.id, slot=slot, member_id=m, venue_id=v)
                            for slot, (m, v) in enumerate(group))


async def test_history_counts_every_pair_of_a_triple_and_venue_pairs_within_their_horizon(app, net, clock):
    ids = [(await net.member(f"M{k}")).id for k in range(7)]
    m = dict(zip(range(1, 8), ids))
    async with app.db.session() as session:
        hangar, fabrique, moulin = [(await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
                                    for slug in ("hangar", "fabrique", "moulin")]
    at = clock.now()
    await _round(app, "2026-W40", [[(m[1], hangar), (m[2], fabrique)]], at)  # round 0: outside both horizons
    await _round(app, "2026-W42", [[(m[1], hangar), (m[2], fabrique)], [(m[3], hangar), (m[4], hangar)]], at)
    await _round(app, "2026-W44", [[(m[5], hangar), (m[6], fabrique), (m[7], moulin)]], at)  # round 2: a triple
    await _round(app, "2026-W50", [[(m[1], hangar), (m[3], hangar)]], at)  # after the period planned: ignored
    async with app.db.read_session() as session:
        history = await build_history(session, "2026-W46", repeat_window=2, venue_horizon=1)
    assert history.round_index == 3
    assert dict(history.introduced) == {(m[1], m[2]): 1, (m[3], m[4]): 1, (m[5], m[6]): 2, (m[5], m[7]): 2,
                                        (m[6], m[7]): 2}
    assert dict(history.venue_pair_counts) == {pair: 1 for pair in (tuple(sorted((hangar, fabrique))),
                                                                     tuple(sorted((hangar, moulin))),
                                                                     tuple(sorted((fabrique, moulin))))}
