"""Maximum weight matching on a round's graph: exact, and a scalable method for large rounds.

`exact_matching` runs the blossom algorithm of rustworkx (Edmonds' primal-dual method, in Rust;
weights are scaled to integers, as it requires). It is fast up to a few thousand vertices on a
sparse graph, then grows roughly cubically.

`local_matching` is for larger rounds. It starts from the greedy matching (heaviest edges first),
applies improving local moves until none is left — pair a vertex a with a neighbour c, release
their former partners b and d, re-pair those with each other or with free neighbours (augmenting
paths of up to five edges and alternating 4-cycles) — then re-optimises windows exactly: a window is
a breadth-first ball of the graph grown from a random vertex, closed under the current pairs, and
its induced subgraph is solved by `exact_matching`. A window's new pairs are never worse than its
old ones, so each step keeps or raises the total. The benchmark measures the result against the
optimum.

Vertices are 0..n-1; edges are (i, j) index pairs with positive weights.
"""

from __future__ import annotations

import logging
from collections import deque

import numpy as np
import rustworkx as rx

from bot.matchmaking.engine.relaxation import SCALE, cycle_pairs, relax, two_cycle_pairs

log = logging.getLogger(__name__)

EPS = 1e-9
WINDOW = 2500  # vertices per exact re-optimisation window (about 0.25 s each)
AUGMENT_LIMIT = 20_000  # vertices one augmenting path search may label (a few tenths of a second)
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


class _LocalSearch:
    """Greedy matching, then improving moves until a local optimum."""

    def __init__(self, n: int, edges: np.ndarray, weights: np.ndarray,
                 start: list[tuple[int, int]] | None = None) -> None:
        self.adj: list[dict[int, float]] = [{} for _ in range(n)]
        for (i, j), w in zip(edges.tolist(), weights.tolist()):
            self.adj[i][j] = w
            self.adj[j][i] = w
        self.mate = [-1] * n
        self.mate_w = [0.0] * n
        self.free_nbrs = [len(a) for a in self.adj]  # how many neighbours are unmatched
        self.moves = 0
        for i, j in start or []:
            self._pair(i, j)
        order = np.argsort(-weights, kind="stable")
        for k in order.tolist():
            i, j = int(edges[k, 0]), int(edges[k, 1])
            if self.mate[i] < 0 and self.mate[j] < 0:
                self._pair(i, j)

    def _set_mate(self, x: int, y: int) -> None:
        was_free, now_free = self.mate[x] < 0, y < 0
        self.mate[x] = y
        self.mate_w[x] = self.adj[x][y] if y >= 0 else 0.0
        if was_free != now_free:
            delta = 1 if now_free else -1
            for nbr in self.adj[x]:
                self.free_nbrs[nbr] += delta

    def _pair(self, x: int, y: int) -> None:
        self._set_mate(x, y)
        self._set_mate(y, x)

    def _best_free(self, x: int, exclude: tuple[int, ...]) -> list[tuple[float, int]]:
        """The two heaviest edges from x to unmatched vertices outside `exclude`."""
        if self.free_nbrs[x] == 0:
            return []
        best = sorted(
            ((w, y) for y, w in self.adj[x].items() if self.mate[y] < 0 and y not in exclude),
            reverse=True,
        )
        return best[:2]

    def _resolve(self, b: int, d: int, exclude: tuple[int, int]) -> tuple[float, list[tuple[int, int]]]:
        """Best way to re-pair released vertices b and d (-1 when none): gain and new pairs."""
        released = [x for x in (b, d) if x >= 0]
        if not released:
            return 0.0, []
        if len(released) == 1:
            options = self._best_free(released[0], exclude)
            return (options[0][0], [(released[0], options[0][1])]) if options else (0.0, [])
        best: tuple[float, list[tuple[int, int]]] = (0.0, [])
        if d in self.adj[b]:
            best = (self.adj[b][d], [(b, d)])
        fb, fd = self._best_free(b, exclude), self._best_free(d, exclude)
        for wb, y in fb or [(0.0, -1)]:
            for wd, z in fd or [(0.0, -1)]:
                if y >= 0 and y == z:
                    continue
                pairs = [p for p in ((b, y), (d, z)) if p[1] >= 0]
                if wb + wd > best[0] + EPS:
                    best = (wb + wd, pairs)
        return best

    def _improve(self, a: int) -> list[int] | None:
        """Apply the best improving move around a; return the vertices touched, or None."""
        b = self.mate[a]
        best_gain, best_move = EPS, None
        for c, wac in self.adj[a].items():
            if c == b:
                continue
            d = self.mate[c]
            loss = self.mate_w[a] + self.mate_w[c]
            gain_back, pairs = self._resolve(b, d, (a, c))
            gain = wac - loss + gain_back
            if gain > best_gain:
                best_gain, best_move = gain, (c, b, d, pairs)
        if best_move is None:
            return None
        c, b, d, pairs = best_move
        touched = [a, c] + [x for x in (b, d) if x >= 0]
        for x in touched:
            self._set_mate(x, -1)
        self._pair(a, c)
        for x, y in pairs:
            self._pair(x, y)
            touched.append(y)
        self.moves += 1
        return touched

    def augment(self, u: int, limit: int) -> list[int] | None:
        """Pair the free vertex u through an alternating path to another free vertex, if one is
        found within `limit` labelled vertices and it raises the total weight; return the path.

        A breadth-first alternating search without blossom shrinking: it can miss a path that an
        odd cycle hides (the exact windows catch those nearby), never returns a wrong one.
        """
        parent = {u: -1}  # outer vertex -> the inner vertex it was reached through
        inner: dict[int, int] = {}  # inner vertex -> the outer vertex that reached it
        queue = deque([u])
        while queue and len(parent) + len(inner) < limit:
            x = queue.popleft()
            for y in self.adj[x]:
                if y in inner or y in parent:
                    continue
                inner[y] = x
                if self.mate[y] < 0:
                    return self._flip(y, parent, inner)
                parent[self.mate[y]] = y
                queue.append(self.mate[y])
        return None

    def _flip(self, end: int, parent: dict[int, int], inner: dict[int, int]) -> list[int] | None:
        path, y = [], end  # path: end, x1, y1, x2, ... u (inner/outer alternating back to u)
        while y >= 0:
            x = inner[y]
            path += [y, x]
            y = parent[x]
        new = [(path[k], path[k + 1]) for k in range(0, len(path), 2)]
        gain = sum(self.adj[a][b] for a, b in new) - sum(self.mate_w[x] for x in path[1:-1:2])
        if gain <= EPS:
            return None
        for x in path:
            self._set_mate(x, -1)
        for a, b in new:
            self._pair(a, b)
        return path

    def run(self, max_moves: int, first: list[int] | None = None) -> list[tuple[int, int]]:
        """Apply moves until none improves, looking first at `first` (by default every vertex),
        then at the neighbourhoods of the moves made."""
        n = len(self.adj)
        queue = deque(range(n) if first is None else first)
        queued = [False] * n
        for x in queue:
            queued[x] = True
        while queue and self.moves < max_moves:
            a = queue.popleft()
            queued[a] = False
            touched = self._improve(a)
            if touched is None:
                continue
            for x in touched:
                for y in (x, *self.adj[x]):
                    if not queued[y]:
                        queued[y] = True
                        queue.append(y)
        if queue:
            log.warning("local search stopped after %d moves with %d vertices left", self.moves, len(queue))
        return sorted((i, j) for i, j in enumerate(self.mate) if i < j)


def _reoptimise_window(search: _LocalSearch, edges: np.ndarray, weights: np.ndarray,
                       starts: np.ndarray, size: int) -> None:
    """Solve exactly the window grown from `starts[0]` and install its pairs.

    When a connected component is exhausted before the window is full, growth goes on from the
    next of `starts` (a random order of all vertices).
    """
    n = len(search.adj)
    inside = np.zeros(n, dtype=bool)
    count = 0
    queue: deque[int] = deque()
    pending = iter(starts.tolist())
    while count < size:
        if not queue:
            nxt = next((v for v in pending if not inside[v]), None)
            if nxt is None:
                break
            queue.append(nxt)
        v = queue.popleft()
        for x in (v, search.mate[v]):
            if x >= 0 and not inside[x]:
                inside[x] = True
                count += 1
                queue.extend(search.adj[x])
    _solve_window(search, edges, weights, inside)


def _ball_window(search: _LocalSearch, edges: np.ndarray, weights: np.ndarray,
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


def _solve_window(search: _LocalSearch, edges: np.ndarray, weights: np.ndarray, inside: np.ndarray) -> None:
    """Re-pair the vertices of `inside` (closed under the current pairs) by an exact matching of
    their induced subgraph: its pairs weigh at least the current ones, so the total never drops."""
    keep = inside[edges[:, 0]] & inside[edges[:, 1]]
    ids = np.flatnonzero(inside)
    local = np.full(len(search.adj), -1, dtype=np.int64)
    local[ids] = np.arange(len(ids))
    pairs = exact_matching(len(ids), local[edges[keep]], weights[keep])
    for x in ids.tolist():
        search._set_mate(x, -1)
    for i, j in pairs:
        search._pair(int(ids[i]), int(ids[j]))


def local_matching(n: int, edges: np.ndarray, weights: np.ndarray, seed: int = 0,
                   windows: int | None = None) -> list[tuple[int, int]]:
    """A near-optimal matching for large graphs: greedy, local moves, exact windows.

    Args:
        n, edges, weights: the graph.
        seed: seeds the choice of window centres.
        windows: how many windows to re-optimise; by default enough to cover each vertex 5 times.
    """
    search = _LocalSearch(n, edges, weights)
    search.run(max_moves=20 * n + 100)
    if n > 0 and len(edges):
        rng = np.random.default_rng(seed)
        count = windows if windows is not None else -(-5 * n // WINDOW)
        for _ in range(count):
            _reoptimise_window(search, edges, weights, rng.permutation(n), WINDOW)
    pairs = sorted((i, j) for i, j in enumerate(search.mate) if i < j)
    log.debug("local matching: %d moves, %d pairs", search.moves, len(pairs))
    return pairs


def relaxed_matching(n: int, edges: np.ndarray, weights: np.ndarray) -> list[tuple[int, int]]:
    """A near-optimal matching for large graphs, from the fractional relaxation (see `relaxation`).

    The relaxation's pairs and the best matchings of its longer cycles are the start; local moves
    polish it; then exact windows grown around what the relaxation left unsettled — the members of
    its longer cycles and the vertices still free that have a neighbour — re-optimise those regions,
    `TROUBLE_SEEDS` seeds per window. Deterministic: no random choice.
    """
    if n == 0 or len(edges) == 0:
        return []
    relaxation = relax(n, edges, weights)
    start = two_cycle_pairs(relaxation.sigma)
    for cycle in relaxation.long_cycles:
        start += cycle_pairs(cycle, relaxation.arc_weight)
    search = _LocalSearch(n, edges, weights, start)
    in_cycles = [x for cycle in relaxation.long_cycles for x in cycle]
    # Local moves only near the unsettled vertices: elsewhere the relaxation's pairs are almost
    # always a local optimum already, and scanning every vertex cost seconds at 50,000.
    near = set(in_cycles) | {x for x in range(n) if search.mate[x] < 0 and search.adj[x]}
    near |= {y for x in list(near) for y in search.adj[x]}
    search.run(max_moves=20 * n + 100, first=sorted(near))
    augmented: list[int] = []
    for x in range(n):
        if search.mate[x] < 0 and search.adj[x]:
            augmented += search.augment(x, AUGMENT_LIMIT) or []
    search.run(max_moves=20 * n + 100, first=augmented)
    free = [x for x in range(n) if search.mate[x] < 0 and search.adj[x]]
    seeds = sorted(set(in_cycles) | set(free) | set(augmented))
    for k in range(0, len(seeds), TROUBLE_SEEDS):
        _ball_window(search, edges, weights, seeds[k:k + TROUBLE_SEEDS], WINDOW)
    pairs = sorted((i, j) for i, j in enumerate(search.mate) if i < j)
    log.debug("relaxed matching: bound %.1f, %d vertices in longer cycles, %d moves, %d windows, %d pairs",
              relaxation.bound, len(in_cycles), search.moves, -(-len(seeds) // TROUBLE_SEEDS), len(pairs))
    return pairs
