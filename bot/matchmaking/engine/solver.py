"""Maximum weight matching on a round's graph: exact, and a scalable method for large rounds.

`exact_matching` runs the blossom algorithm of rustworkx (Edmonds' primal-dual method, in Rust;
weights are scaled to integers, as it requires). It is fast up to a few thousand vertices on a
sparse graph, then grows roughly cubically.

`relaxed_matching` is for larger rounds. It starts from the fractional relaxation (`relaxation`:
one sparse assignment through the double cover, whose pairs are almost all optimal), then works only
where the relaxation left things unsettled — members of its odd and longer cycles, vertices left
free: local moves and augmenting paths (`local_moves`), then exact windows (breadth-first balls
grown around those vertices, closed under the current pairs, their induced subgraph solved by
`exact_matching`). A window's new pairs are never worse than its old ones, so each step keeps or
raises the total. The benchmark measures the result against the optimum and the relaxation's bound.

Vertices are 0..n-1; edges are (i, j) index pairs with positive weights.
"""

from __future__ import annotations

import logging
from collections import deque

import numpy as np
import rustworkx as rx

from bot.matchmaking.engine.local_moves import LocalSearch
from bot.matchmaking.engine.relaxation import SCALE, cycle_pairs, relax, two_cycle_pairs

log = logging.getLogger(__name__)

WINDOW = 2500  # vertices per exact re-optimisation window (about 0.25 s each)
AUGMENT_LIMIT = 20_000  # vertices one augmenting path search may label (a few tenths of a second)
AUGMENT_BUDGET = 10  # vertices all augmenting path searches may label, per vertex of the graph
TROUBLE_SEEDS = 60  # unsettled vertices a window of `relaxed_matching` is grown from (~40 vertices each)


def exact_matching(n: int, edges: np.ndarray, weights: np.ndarray, max_cardinality: bool = False) -> list[tuple[int, int]]:
    """An optimal matching (maximum total weight, any cardinality), as sorted (i, j) pairs, i < j.

    With `max_cardinality`, the heaviest among the matchings of maximum cardinality.
    """
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    scaled = np.rint(np.asarray(weights) * SCALE).astype(np.int64)
    graph.add_edges_from(list(zip(edges[:, 0].tolist(), edges[:, 1].tolist(), scaled.tolist())))
    pairs = rx.max_weight_matching(graph, max_cardinality=max_cardinality, weight_fn=int)
    return sorted((min(i, j), max(i, j)) for i, j in pairs)


def matching_weight(pairs: list[tuple[int, int]], edges: np.ndarray, weights: np.ndarray) -> float:
    lookup = {(int(i), int(j)): float(w) for (i, j), w in zip(edges, weights)}
    return sum(lookup[pair] for pair in pairs)


def _ball_window(search: LocalSearch, edges: np.ndarray, weights: np.ndarray,
                 seeds: list[int], size: int) -> None:
    """Solve exactly the union of breadth-first balls grown together from `seeds`, up to `size`."""
    n = len(search.adj)
    inside = np.zeros(n, dtype=bool)
    count = 0
    queue: deque[int] = deque()

    def add(x: int) -> None:
        nonlocal count
        for y in (x, search.mate[x]):  # a window holds both ends of each current pair
            if y >= 0 and not inside[y]:
                inside[y] = True
                count += 1
                queue.append(y)

    for x in seeds:
        add(x)
    while queue and count < size:
        for y in search.adj[queue.popleft()]:
            if count >= size:
                break
            add(y)
    _solve_window(search, edges, weights, inside)


def _solve_window(search: LocalSearch, edges: np.ndarray, weights: np.ndarray, inside: np.ndarray) -> None:
    """Re-pair the vertices of `inside` (closed under the current pairs) by an exact matching of
    their induced subgraph: its pairs weigh at least the current ones, so the total never drops."""
    keep = inside[edges[:, 0]] & inside[edges[:, 1]]
    ids = np.flatnonzero(inside)
    local = np.full(len(search.adj), -1, dtype=np.int64)
    local[ids] = np.arange(len(ids))
    pairs = exact_matching(len(ids), local[edges[keep]], weights[keep])
    for x in ids.tolist():
        search.release(x)
    for i, j in pairs:
        search.pair(int(ids[i]), int(ids[j]))


def relaxed_matching(n: int, edges: np.ndarray, weights: np.ndarray) -> list[tuple[int, int]]:
    """A near-optimal matching for large graphs, from the fractional relaxation (see `relaxation`).

    The relaxation's pairs and the best matchings of its longer cycles are the start; local moves
    near the unsettled vertices (members of longer cycles, vertices free with a neighbour) and
    augmenting paths from the free ones polish it; then exact windows grown around those vertices
    and the paths used re-optimise their regions, `TROUBLE_SEEDS` seeds per window, at most enough
    windows to cover the graph twice. Deterministic: no random choice.
    """
    if n == 0 or len(edges) == 0:
        return []
    relaxation = relax(n, edges, weights)
    start = two_cycle_pairs(relaxation.sigma)
    for cycle in relaxation.long_cycles:
        start += cycle_pairs(cycle, relaxation.arc_weight)
    search = LocalSearch(n, edges, weights, start)
    in_cycles = [x for cycle in relaxation.long_cycles for x in cycle]
    # Local moves only near the unsettled vertices: elsewhere the relaxation's pairs are almost
    # always a local optimum already, and scanning every vertex cost seconds at 50,000.
    near = set(in_cycles) | {x for x in range(n) if search.mate[x] < 0 and search.adj[x]}
    near |= {y for x in list(near) for y in search.adj[x]}
    search.run(max_moves=20 * n + 100, first=sorted(near))
    augmented, fruitless = search.augment_free(list(range(n)), AUGMENT_LIMIT, AUGMENT_BUDGET * n)
    search.run(max_moves=20 * n + 100, first=augmented)
    # Windows around the unsettled vertices, but not around free vertices no augmenting path
    # reaches: in a round with many people whose few partners are all taken, those windows would
    # cost seconds for nothing.
    hopeless = set(fruitless)
    free = [x for x in range(n) if search.mate[x] < 0 and search.adj[x] and x not in hopeless]
    seeds = sorted(set(in_cycles) | set(free) | set(augmented))
    windows = min(-(-len(seeds) // TROUBLE_SEEDS), -(-2 * n // WINDOW))
    for k in range(windows):
        _ball_window(search, edges, weights, seeds[k * TROUBLE_SEEDS:(k + 1) * TROUBLE_SEEDS], WINDOW)
    pairs = search.pairs()
    log.debug("relaxed matching: bound %.1f, %d vertices in longer cycles, %d moves, %d augmenting path "
              "vertices, %d windows for %d seeds, %d pairs", relaxation.bound, len(in_cycles), search.moves,
              len(augmented), windows, len(seeds), len(pairs))
    return pairs
