"""Local improvement of a matching: improving moves around a vertex, and augmenting paths.

`LocalSearch` holds a matching (a start, completed greedily, heaviest edges first) and applies
improving local moves until none is left: pair a vertex a with a neighbour c, release their former
partners b and d, re-pair those with each other or with free neighbours (augmenting paths of up to
five edges and alternating 4-cycles). `augment` pairs a free vertex through a longer alternating
path. Every change raises the total weight, so the search always ends.

Vertices are 0..n-1; edges are (i, j) index pairs with positive weights.
"""

from __future__ import annotations

import logging
from collections import deque

import numpy as np

log = logging.getLogger(__name__)

EPS = 1e-9


class LocalSearch:
    """A matching and its improving moves (see the module docstring)."""

    def __init__(self, n: int, edges: np.ndarray, weights: np.ndarray,
                 start: list[tuple[int, int]] | None = None) -> None:
        """Pair `start` (pairs of a matching), then greedily the heaviest edges between free vertices."""
        self.adj: list[dict[int, float]] = [{} for _ in range(n)]
        for (i, j), w in zip(edges.tolist(), weights.tolist()):
            self.adj[i][j] = w
            self.adj[j][i] = w
        self.mate = [-1] * n
        self.mate_w = [0.0] * n
        self.free_nbrs = [len(a) for a in self.adj]  # how many neighbours are unmatched
        self.moves = 0
        for i, j in start or []:
            self.pair(i, j)
        order = np.argsort(-weights, kind="stable")
        for k in order.tolist():
            i, j = int(edges[k, 0]), int(edges[k, 1])
            if self.mate[i] < 0 and self.mate[j] < 0:
                self.pair(i, j)

    def _set_mate(self, x: int, y: int) -> None:
        was_free, now_free = self.mate[x] < 0, y < 0
        self.mate[x] = y
        self.mate_w[x] = self.adj[x][y] if y >= 0 else 0.0
        if was_free != now_free:
            delta = 1 if now_free else -1
            for nbr in self.adj[x]:
                self.free_nbrs[nbr] += delta

    def pair(self, x: int, y: int) -> None:
        self._set_mate(x, y)
        self._set_mate(y, x)

    def release(self, x: int) -> None:
        """Leave x and its partner, if any, unmatched."""
        partner = self.mate[x]
        if partner >= 0:
            self._set_mate(partner, -1)
            self._set_mate(x, -1)

    def pairs(self) -> list[tuple[int, int]]:
        return sorted((i, j) for i, j in enumerate(self.mate) if i < j)

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
        self.pair(a, c)
        for x, y in pairs:
            self.pair(x, y)
            touched.append(y)
        self.moves += 1
        return touched

    def augment(self, u: int, limit: int) -> list[int] | None:
        """Pair the free vertex u through an alternating path to another free vertex, if one is
        found within `limit` labelled vertices and it raises the total weight; return the path."""
        return self._search(u, limit, set())[0]

    def augment_free(self, vertices: list[int], limit: int, budget: int) -> tuple[list[int], list[int]]:
        """`augment` from each vertex of `vertices` still free with a neighbour: the vertices of
        the paths used, and the vertices whose search found none.

        The vertices a fruitless search labelled are skipped by the next ones until a path is used
        (in a bipartite graph no free vertex can be reached through them; here it keeps the work
        linear when many free vertices have no path), and all searches label at most `budget`.
        """
        dead: set[int] = set()
        touched: list[int] = []
        fruitless: list[int] = []
        for u in vertices:
            if budget <= 0:
                log.info("augmenting paths: budget spent, %d paths used", len(touched))
                break
            if self.mate[u] >= 0 or not self.adj[u] or u in dead:
                continue
            path, labelled = self._search(u, limit, dead)
            budget -= labelled
            if path:
                touched += path
                dead.clear()
            else:
                fruitless.append(u)
        return touched, fruitless

    def _search(self, u: int, limit: int, dead: set[int]) -> tuple[list[int] | None, int]:
        """Breadth-first alternating search from u, without blossom shrinking: it can miss a path
        that an odd cycle hides (the exact windows catch those nearby), never returns a wrong one.
        Returns the path used (or None) and how many vertices were labelled; on failure the
        labelled vertices join `dead`."""
        parent = {u: -1}  # outer vertex -> the inner vertex it was reached through
        inner: dict[int, int] = {}  # inner vertex -> the outer vertex that reached it
        queue = deque([u])
        while queue and len(parent) + len(inner) < limit:
            x = queue.popleft()
            for y in self.adj[x]:
                if y in inner or y in parent or y in dead:
                    continue
                inner[y] = x
                if self.mate[y] < 0:
                    path = self._flip(y, parent, inner)
                    if path:
                        return path, len(parent) + len(inner)
                    break  # not worth it: give up on u
                parent[self.mate[y]] = y
                queue.append(self.mate[y])
            else:
                continue
            break
        dead.update(parent, inner)
        return None, len(parent) + len(inner)

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
            self.pair(a, b)
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
        return self.pairs()
