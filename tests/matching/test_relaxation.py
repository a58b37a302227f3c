"""The fractional relaxation and the large-round method built on it, against the exact optimum."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from bot.matchmaking.engine.model import Weights
from bot.matchmaking.engine.relaxation import cycle_pairs, relax, two_cycle_pairs
from bot.matchmaking.engine.round import solver_weights
from bot.matchmaking.engine.solver import exact_matching, matching_weight, relaxed_matching
from tests.matching.test_solver import is_matching, networkx_optimum, random_graph


def optimum(n: int, edges: np.ndarray, weights: np.ndarray) -> float:
    return matching_weight(exact_matching(n, edges, weights), edges, weights)


def clustered_graph(n: int, seed: int, bridges: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Small odd clusters (3 to 11 vertices, dense inside) joined by a few bridges, tied weights:
    the relaxation then has odd cycles, which the rounding and the windows must resolve."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([3, 5, 7, 9, 11], size=n)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    starts = starts[starts < n]
    pairs = set()
    for a, b in zip(starts.tolist(), starts[1:].tolist() + [n]):
        for i in range(a, b):
            for j in range(i + 1, b):
                if rng.random() < 0.6:
                    pairs.add((i, j))
    for i, j in rng.integers(0, n, size=(int(bridges * n), 2)).tolist():
        if i != j:
            pairs.add((min(i, j), max(i, j)))
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return edges, rng.choice([7.0, 10.0, 10.0, 13.0, 20.0], size=len(edges))


def cover_weights(edges: np.ndarray, n: int, seed: int) -> np.ndarray:
    """The round's solver weights (cover offset, priority bonus) on random scores."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(7.0, 40.0, size=len(edges)).round(2)
    return solver_weights(edges, scores, rng.random(n) < 0.2, Weights())


def odd_cycles(lengths: list[int], weight: float = 10.0) -> tuple[int, np.ndarray, np.ndarray]:
    """Disjoint cycles of the given lengths, all edges of one weight."""
    edges, base = [], 0
    for k in lengths:
        edges += [(base + t, base + (t + 1) % k) for t in range(k)]
        base += k
    edges = np.array([(min(e), max(e)) for e in edges], dtype=np.int64)
    return base, edges, np.full(len(edges), weight)


@pytest.mark.parametrize("seed", range(12))
def test_bound_is_an_upper_bound_and_the_start_a_matching(seed):
    n = 150
    edges, weights = random_graph(n, 6, seed)
    relaxation = relax(n, edges, weights)
    best = optimum(n, edges, weights)
    assert relaxation.bound >= best - 1e-6
    assert relaxation.bound <= 1.5 * best  # the fractional LP is at most 3/2 of the integer optimum
    start = two_cycle_pairs(relaxation.sigma)
    for cycle in relaxation.long_cycles:
        start += cycle_pairs(cycle, relaxation.arc_weight)
    assert is_matching(start)
    assert matching_weight(start, edges, weights) <= best + 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_bound_is_exact_on_bipartite_graphs(seed):
    # The fractional matching polytope is integral on bipartite graphs: bound == optimum.
    rng = np.random.default_rng(seed)
    left = rng.integers(0, 60, size=300)
    right = rng.integers(60, 130, size=300)
    edges = np.unique(np.stack([left, right], axis=1), axis=0)
    weights = rng.integers(5, 40, size=len(edges)).astype(float)
    assert relax(130, edges, weights).value == pytest.approx(optimum(130, edges, weights), abs=1e-6)


def test_odd_cycles_are_half_integral_then_rounded_to_their_best_matching():
    n, edges, weights = odd_cycles([3, 5, 7, 4])
    relaxation = relax(n, edges, weights)
    assert relaxation.value == pytest.approx(10.0 * (3 + 5 + 7) / 2 + 20.0)  # odd cycles count k/2 edges
    pairs = relaxed_matching(n, edges, weights)
    assert is_matching(pairs)
    assert matching_weight(pairs, edges, weights) == pytest.approx(10.0 * (1 + 2 + 3 + 2))


@pytest.mark.parametrize("k", [3, 4, 5, 6, 7, 9, 12])
def test_cycle_pairs_is_the_best_matching_of_the_cycle(k):
    rng = np.random.default_rng(k)
    cycle = rng.permutation(40)[:k].tolist()
    arc_weight = np.zeros(40)
    arc_weight[cycle] = rng.integers(1, 30, size=k).astype(float)
    edge_weight = {frozenset((cycle[t], cycle[(t + 1) % k])): arc_weight[cycle[t]] for t in range(k)}
    best = 0.0  # brute force over every set of cycle edges that is a matching
    for size in range(1, k // 2 + 1):
        for chosen in combinations(edge_weight, size):
            if len(set().union(*chosen)) == 2 * size:
                best = max(best, sum(edge_weight[e] for e in chosen))
    pairs = cycle_pairs(cycle, arc_weight)
    assert is_matching(pairs)
    assert all(frozenset(p) in edge_weight for p in pairs)
    assert sum(edge_weight[frozenset(p)] for p in pairs) == pytest.approx(best)


@pytest.mark.parametrize("seed", range(10))
def test_relaxed_matching_is_optimal_on_graphs_one_window_covers(seed):
    # A component with an unsettled vertex fits in one window; the others have an integral relaxation.
    n = 300
    edges, weights = clustered_graph(n, seed) if seed % 2 else random_graph(n, 8, seed)
    pairs = relaxed_matching(n, edges, weights)
    assert is_matching(pairs)
    assert matching_weight(pairs, edges, weights) == pytest.approx(networkx_optimum(n, edges, weights), rel=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_relaxed_matching_with_the_cover_offset_covers_as_many_as_the_exact_solver(seed):
    n = 400
    edges, _ = clustered_graph(n, seed)
    weights = cover_weights(edges, n, seed)
    exact = exact_matching(n, edges, weights, max_cardinality=True)
    pairs = relaxed_matching(n, edges, weights)
    assert len(pairs) == len(exact)
    assert matching_weight(pairs, edges, weights) == pytest.approx(matching_weight(exact, edges, weights), rel=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_relaxed_matching_with_small_windows_stays_close(seed, monkeypatch):
    # Windows far smaller than the graph: the relaxation and local moves must do the work.
    monkeypatch.setattr("bot.matchmaking.engine.solver.WINDOW", 40)
    n = 600
    edges, weights = clustered_graph(n, seed)
    weights = weights if seed % 2 else cover_weights(edges, n, seed)
    pairs = relaxed_matching(n, edges, weights)
    assert is_matching(pairs)
    assert matching_weight(pairs, edges, weights) >= 0.99 * optimum(n, edges, weights)
    assert relaxed_matching(n, edges, weights) == pairs  # deterministic


@pytest.mark.parametrize("seed", range(4))
def test_many_members_whose_few_partners_are_taken(seed):
    # 200 extra members each linked to one of 8 hubs of a graph with a near-perfect matching: most
    # stay free, no augmenting path reaches them, and the method must still be optimal elsewhere.
    n0, extra = 300, 200
    edges, _ = clustered_graph(n0, seed)
    rng = np.random.default_rng(seed)
    hubs = rng.choice(n0, 8, replace=False)
    edges = np.concatenate([edges, np.stack([hubs[np.arange(extra) % 8], np.arange(n0, n0 + extra)], axis=1)])
    n = n0 + extra
    weights = cover_weights(edges, n, seed)
    exact = exact_matching(n, edges, weights, max_cardinality=True)
    pairs = relaxed_matching(n, edges, weights)
    assert is_matching(pairs) and len(pairs) == len(exact)
    assert matching_weight(pairs, edges, weights) >= 0.999 * matching_weight(exact, edges, weights)


def test_disconnected_graphs_and_isolated_vertices():
    n, edges, weights = odd_cycles([3, 3, 5])
    edges = np.concatenate([edges, [[20, 21], [22, 23], [22, 24]]])  # vertices 11..19 and 25 isolated
    weights = np.concatenate([weights, [4.0, 6.0, 7.0]])
    pairs = relaxed_matching(26, edges, weights)
    assert matching_weight(pairs, edges, weights) == pytest.approx(optimum(26, edges, weights))
    assert (20, 21) in pairs and (22, 24) in pairs


def test_empty_graphs():
    empty = np.empty((0, 2), dtype=np.int64)
    assert relaxed_matching(0, empty, np.empty(0)) == []
    assert relaxed_matching(5, empty, np.empty(0)) == []
    relaxation = relax(5, empty, np.empty(0))
    assert relaxation.bound == 0.0 and relaxation.long_cycles == []
    assert relaxed_matching(2, np.array([[0, 1]]), np.array([3.0])) == [(0, 1)]
