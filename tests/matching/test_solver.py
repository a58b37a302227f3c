"""The matching solvers against networkx's exact blossom algorithm."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from bot.matchmaking.engine.solver import exact_matching, local_matching, matching_weight


def random_graph(n: int, degree: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pairs = {tuple(sorted(p)) for p in rng.integers(0, n, size=(n * degree // 2, 2)).tolist() if p[0] != p[1]}
    edges = np.array(sorted(pairs), dtype=np.int64)
    weights = rng.choice([5.0, 7.5, 10.0, 13.0, 20.0, 24.5], size=len(edges)) + rng.random(len(edges))
    return edges, weights


def networkx_optimum(n: int, edges: np.ndarray, weights: np.ndarray) -> float:
    graph = nx.Graph()
    graph.add_weighted_edges_from((int(i), int(j), float(w)) for (i, j), w in zip(edges, weights))
    return sum(graph[i][j]["weight"] for i, j in nx.max_weight_matching(graph))


def is_matching(pairs: list[tuple[int, int]]) -> bool:
    members = [m for pair in pairs for m in pair]
    return len(members) == len(set(members))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_matching_is_optimal(seed):
    edges, weights = random_graph(120, 8, seed)
    pairs = exact_matching(120, edges, weights)
    assert is_matching(pairs)
    assert matching_weight(pairs, edges, weights) == pytest.approx(networkx_optimum(120, edges, weights), rel=1e-4)


@pytest.mark.parametrize("seed", [4, 5])
def test_local_matching_with_small_windows_stays_close(seed, monkeypatch):
    edges, weights = random_graph(400, 10, seed)
    optimum = networkx_optimum(400, edges, weights)
    # Windows covering the whole graph make it exact.
    assert matching_weight(local_matching(400, edges, weights), edges, weights) == pytest.approx(optimum, rel=1e-4)
    # Windows much smaller than the graph (uniform random weights are the hard case).
    monkeypatch.setattr("bot.matchmaking.engine.solver.WINDOW", 80)
    greedy_and_moves = matching_weight(local_matching(400, edges, weights, windows=0), edges, weights)
    pairs = local_matching(400, edges, weights, seed=seed)
    assert is_matching(pairs)
    assert matching_weight(pairs, edges, weights) > greedy_and_moves
    assert matching_weight(pairs, edges, weights) >= 0.94 * optimum


def test_local_search_alone_improves_on_greedy():
    edges = np.array([[0, 1], [1, 2], [2, 3]])
    weights = np.array([5.0, 6.0, 5.0])  # greedy takes the middle edge; the optimum takes both ends
    assert local_matching(4, edges, weights, windows=0) == [(0, 1), (2, 3)]


def test_empty_graphs():
    empty = np.empty((0, 2), dtype=np.int64)
    assert exact_matching(3, empty, np.empty(0)) == []
    assert local_matching(0, empty, np.empty(0)) == []
