"""The fractional relaxation of maximum weight matching, solved as an assignment through the double cover.

Each vertex i appears twice, as a row i_L and a column i_R. An edge {i, j} of weight w gives the arcs
i_L->j_R and j_L->i_R, both of weight w, and i_L->i_R (weight 0) means "i left out". A maximum weight
perfect assignment of rows to columns is a permutation `sigma` of the vertices; halved, its weight is
the optimum of the fractional matching LP (each vertex covered at most once, no odd-set constraints),
hence an upper bound on the optimum matching. scipy solves it with LAPJVsp (sparse Jonker-Volgenant):
about 0.5 s at 10,000 vertices and 5 s at 50,000 on the benchmark's round graphs, where the exact
blossom algorithm takes 13 to 20 s at 10,000 (2026-12-06, load 3-4).

The cycles of `sigma` are the structure of the relaxation: fixed points are left out, 2-cycles are
pairs, and a longer cycle is a cycle of the graph each of whose edges counts one half. On the round
graphs almost every vertex is in a 2-cycle (all but 60 of 10,000); `cycle_pairs` turns each longer
cycle into its best matching (a path dynamic programme, twice), which the local search then polishes.

Vertices are 0..n-1; edges are distinct (i, j) index pairs, i < j, with positive weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

SCALE = 1000  # weights are rounded to 1/1000, as for the exact solver


@dataclass(frozen=True)
class Relaxation:
    """The optimum of the fractional relaxation: the permutation, its bound, its longer cycles."""

    sigma: np.ndarray  # sigma[i] = column assigned to row i; i itself when i is left out
    arc_weight: np.ndarray  # arc_weight[i] = weight of the edge {i, sigma[i]} (0 when left out)
    value: float  # the LP optimum, for the weights rounded to 1/SCALE
    bound: float  # value plus a rounding margin of n/(4 SCALE): >= the weight of any matching
    long_cycles: list[list[int]]  # cycles of sigma of length >= 3, each in cycle order


def relax(n: int, edges: np.ndarray, weights: np.ndarray) -> Relaxation:
    """Solve the fractional relaxation of the graph (see the module docstring)."""
    if n == 0 or len(edges) == 0:
        return Relaxation(np.arange(n), np.zeros(n), 0.0, 0.0, [])
    # Integer costs (weights rounded to 1/SCALE, as the exact solver does): LAPJVsp compares sums of
    # costs, and with float weights it took twice as long at 50,000 vertices. Costs are top - w, all
    # positive, as scipy drops explicit zeros of a sparse matrix; the diagonal (left out, weight 0)
    # costs top. Every row has its diagonal, so a full assignment always exists.
    weights = np.asarray(weights, dtype=float)
    scaled = np.rint(weights * SCALE)
    top = float(scaled.max()) + 1.0
    diag = np.arange(n)
    rows = np.concatenate([edges[:, 0], edges[:, 1], diag])
    cols = np.concatenate([edges[:, 1], edges[:, 0], diag])
    cost = np.concatenate([top - scaled, top - scaled, np.full(n, top)])
    matrix = sp.csr_matrix((cost, (rows, cols)), shape=(n, n))
    row, col = min_weight_full_bipartite_matching(matrix)
    sigma = np.empty(n, dtype=np.int64)
    sigma[row] = col
    # The arcs' own weights (not rounded; an absent entry, the diagonal, reads 0).
    real = sp.csr_matrix((np.concatenate([weights, weights]), (rows[:-n], cols[:-n])), shape=(n, n))
    arc_weight = np.zeros(n)
    arc_weight[row] = np.asarray(real[row, col]).ravel()
    # The assignment is optimal for the rounded weights; each pair of any matching loses at most
    # 0.5/SCALE to rounding, hence the margin that keeps `bound` an upper bound for the real weights.
    lp_value = (n * top - float(matrix[row, col].sum())) / (2 * SCALE)
    return Relaxation(sigma, arc_weight, lp_value, lp_value + n / (4 * SCALE), _long_cycles(sigma))


def _long_cycles(sigma: np.ndarray) -> list[list[int]]:
    n = len(sigma)
    moved = np.flatnonzero((sigma != np.arange(n)) & (sigma[sigma] != np.arange(n)))
    seen = np.zeros(n, dtype=bool)
    cycles = []
    for start in moved.tolist():
        if seen[start]:
            continue
        cycle, x = [], start
        while not seen[x]:
            seen[x] = True
            cycle.append(x)
            x = int(sigma[x])
        cycles.append(cycle)
    return cycles


def two_cycle_pairs(sigma: np.ndarray) -> list[tuple[int, int]]:
    """The pairs of the relaxation: vertices i < sigma[i] with sigma[sigma[i]] == i."""
    idx = np.arange(len(sigma))
    both = (sigma > idx) & (sigma[sigma] == idx)
    return list(zip(idx[both].tolist(), sigma[both].tolist()))


def cycle_pairs(cycle: list[int], arc_weight: np.ndarray) -> list[tuple[int, int]]:
    """The best matching of a cycle of sigma, v0-v1-...-v(k-1)-v0 with v(t+1) = sigma[v(t)].

    The edge v(t)-v(t+1) weighs arc_weight[v(t)]. Either the closing edge v(k-1)-v0 is out, and the
    answer is the best matching of the path v0..v(k-1), or it is in, with the best matching of the
    path v1..v(k-2).
    """
    def path(vs: list[int]) -> tuple[float, list[tuple[int, int]]]:
        # best[t]: the weight of the best matching of vs[:t] (take the edge vs[t-2]-vs[t-1] or not).
        best = [0.0] * (len(vs) + 1)
        for t in range(2, len(vs) + 1):
            best[t] = max(best[t - 1], best[t - 2] + float(arc_weight[vs[t - 2]]))
        pairs, t = [], len(vs)
        while t >= 2:
            if best[t] > best[t - 1]:
                pairs.append((vs[t - 2], vs[t - 1]))
                t -= 2
            else:
                t -= 1
        return best[len(vs)], pairs

    open_value, open_pairs = path(cycle)
    closed_value, closed_pairs = path(cycle[1:-1])
    closed_value += float(arc_weight[cycle[-1]])
    pairs = closed_pairs + [(cycle[-1], cycle[0])] if closed_value > open_value else open_pairs
    return sorted((min(a, b), max(a, b)) for a, b in pairs)
