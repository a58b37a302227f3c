"""The candidate graph's speed-ups keep its answers: membership by binary search equals np.isin, and
blocked and recent pairs still leave or split the graph exactly as before."""

from __future__ import annotations

import numpy as np
import pytest

from bot.matchmaking.engine import History, Weights, pair_key
from bot.matchmaking.engine.graph import _within, build_graph
from bot.matchmaking.engine.round import order_candidates
from tests.matching.people import person


@pytest.mark.parametrize("seed", range(5))
def test_membership_by_binary_search_equals_isin(seed):
    rng = np.random.default_rng(seed)
    universe = rng.integers(0, 1000, size=300)
    sorted_set = np.unique(rng.choice(universe, size=int(rng.integers(1, 120))))
    keys = rng.integers(-5, 1005, size=2000)
    assert np.array_equal(_within(keys, sorted_set), np.isin(keys, sorted_set))
    assert not _within(keys, np.empty(0, dtype=np.int64)).any()
    assert _within(sorted_set, sorted_set).all()


def test_blocked_pairs_are_out_and_recent_pairs_are_repeats():
    people = [person(i, venue=i, offers={1}, needs={1}) for i in range(1, 9)]
    people[0] = person(1, venue=1, offers={1}, needs={1}, never={2})
    history = History(round_index=3, introduced={pair_key(3, 4): 2})
    cands = order_candidates(people, "2026-W10")
    graph = build_graph(cands, history, Weights(), None)
    ids = lambda edges: {pair_key(cands[i].member_id, cands[j].member_id) for i, j in edges.tolist()}
    assert pair_key(1, 2) not in ids(graph.fresh) | ids(graph.repeat)
    assert ids(graph.repeat) == {pair_key(3, 4)}
    assert len(ids(graph.fresh)) == 8 * 7 // 2 - 2
