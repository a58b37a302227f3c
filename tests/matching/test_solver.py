"""The exact solver against networkx's blossom algorithm; the local moves on small cases."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from bot.matchmaking.engine.local_moves import LocalSearch
from bot.matchmaking.engine.solver import exact_matching, matching_weight, relaxed_matching


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


def test_local_moves_improve_on_greedy():
    edges = np.array([[0, 1], [1, 2], [2, 3]])
    weights = np.array([5.0, 6.0, 5.0])  # greedy takes the middle edge; the optimum takes both ends
    search = LocalSearch(4, edges, weights)
    assert search.pairs() == [(1, 2)]
    assert search.run(max_moves=10) == [(0, 1), (2, 3)]


def test_augment_pairs_a_free_vertex_through_a_long_alternating_path():
    # A path 0-1-...-9 matched on (1,2), (3,4), (5,6), (7,8): 0 and 9 free, out of reach of local moves.
    edges = np.array([[k, k + 1] for k in range(9)])
    weights = np.full(9, 10.0)
    search = LocalSearch(10, edges, weights, start=[(1, 2), (3, 4), (5, 6), (7, 8)])
    assert sorted(search.augment(0, limit=100)) == list(range(10))
    assert search.pairs() == [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    # Never when the total would drop: 0-1 is light, 1-2 heavy.
    search = LocalSearch(3, np.array([[0, 1], [1, 2]]), np.array([1.0, 9.0]), start=[(1, 2)])
    assert search.augment(0, limit=100) is None and search.pairs() == [(1, 2)]


def test_empty_graphs():
    empty = np.empty((0, 2), dtype=np.int64)
    assert exact_matching(3, empty, np.empty(0)) == []
    assert relaxed_matching(0, empty, np.empty(0)) == []
