"""`plan_round` with the large-round method forced: the round's guarantees hold as with the exact solver."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.matchmaking.engine import Weights, plan_round

from .people import person, random_people

RELAXED = Weights(full_graph_max_candidates=50, exact_max_candidates=0)  # every round: relaxed_matching


@pytest.mark.parametrize("seed", range(6))
def test_covers_as_many_and_scores_as_well_as_the_exact_solver(seed):
    people = random_people(300, seed=seed, never_rate=0.05)
    people = [replace(p, priority=p.member_id % 7 == 0) for p in people]
    exact = plan_round(people, weights=replace(RELAXED, exact_max_candidates=10_000), seed=f"s{seed}")
    relaxed = plan_round(people, weights=RELAXED, seed=f"s{seed}")
    assert (exact.stats.method, relaxed.stats.method) == ("exact-sparse", "relaxed-sparse")
    assert relaxed.stats.matched == exact.stats.matched
    assert {u.member_id for u in relaxed.unmatched} & {p.member_id for p in people if p.priority} == \
        {u.member_id for u in exact.unmatched} & {p.member_id for p in people if p.priority}
    assert relaxed.stats.total_score >= 0.99 * exact.stats.total_score
    assert plan_round(people, weights=RELAXED, seed=f"s{seed}") == relaxed  # same arguments, same plan


def test_covering_everyone_wins_over_a_heavier_pair():
    ana = person(1, 1, offers={1}, needs={2}, interests={10})
    bob = person(2, 2, offers={2}, needs={1}, interests={11})
    cleo = person(3, 3, interests={10})
    dan = person(4, 4, interests={11})
    plan = plan_round([ana, bob, cleo, dan], weights=RELAXED, seed="2026-W10")
    assert sorted(i.members for i in plan.introductions) == [(1, 3), (2, 4)]
    assert plan.unmatched == ()


def test_left_out_last_round_is_covered_whatever_the_scores():
    ana = dict(offers={1, 5, 6}, needs={2, 3, 4}, interests={7, 8, 9})
    bob = dict(offers={2, 3, 4}, needs={1, 5, 6}, interests={7, 8, 9})
    plan = plan_round([person(1, 1, **ana), person(2, 2, **bob), person(3, 3, interests={7}, priority=True)],
                      weights=RELAXED, seed="2026-W12")
    assert 3 in plan.matched_ids() and len(plan.introductions) == 1
