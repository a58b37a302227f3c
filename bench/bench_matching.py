"""Benchmark of the matchmaking engine: speed, memory, quality against the optimum, 12 rounds.

Run from the repository root: `python -m bench.bench_matching` (about ten minutes, five of them the
exact reference solves of the large rounds) or with
`--quick` (a few seconds, smaller sizes). Prints three tables:

1. a round of 1,000 and 10,000 candidates: time (untraced run) and peak traced memory (tracemalloc,
   a second run); targets < 2 s, < 15 s, < 1 GB;
2. quality: total weight of a matching / the exact optimum computed by networkx on the same graph,
   at 500 and 2,000 candidates, for the exact solver and for the large-round method (the relaxation
   polished by local moves and exact windows, `solver.relaxed_matching`) forced at that size, also
   with windows of 200 vertices; plus what the sparse graph itself costs against the optimum on
   every viable pair (target >= 0.99);
3. 12 simulated rounds on a mixed network: Maillage against a random pairing and a greedy
   repeat-avoiding pairing (both keep the hard rules): coverage, cross-venue share, need<->offer share,
   repeats.

Without --quick it also compares the large-round method with the exact optimum (rustworkx) at 4,000
to 20,000 candidates, on the plain scores and on the round's solver weights (with the cover offset,
the exact solver asked for maximum cardinality, as `plan_round` does): time of each, quality, members
left out; at 50,000, where the exact solver would take many minutes, against the relaxation's upper
bound instead. The exact runs take about five minutes in all.
Every table is followed by the machine's load average (/proc/loadavg): times on this shared 2-core
machine stretch with it.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from dataclasses import replace
from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np

from bench.guard import require
from bench.synthetic import synthetic_network
from bot.matchmaking.engine import Candidate, History, Weights, pair_key, plan_round
from bot.matchmaking.engine.graph import build_graph
from bot.matchmaking.engine.round import order_candidates, solver_weights
from bot.matchmaking.engine.scoring import allowed, explain
from bot.matchmaking.engine.relaxation import relax
from bot.matchmaking.engine.solver import exact_matching, matching_weight, relaxed_matching


W = Weights()


def table(title: str, header: Sequence[str], rows: list[Sequence[object]]) -> None:
    cells = [list(map(str, header))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(header))]
    print(f"\n{title}")
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        if k == 0:
            print("  ".join("-" * width for width in widths))
    print(f"(load average {' '.join(_loadavg()[:3])})", flush=True)


def _loadavg() -> list[str]:
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            return file.read().split()
    except OSError:
        return ["-", "-", "-"]


def speed(sizes: Sequence[int], targets: dict[int, float]) -> None:
    rows = []
    for n in sizes:
        people = synthetic_network(n, seed=n).members
        start = time.perf_counter()
        plan = plan_round(people, seed="2025-W01")
        elapsed = time.perf_counter() - start
        require(plan.stats.matched, f"members matched in a round of {n}", n // 2)
        tracemalloc.start()
        plan_round(people, seed="2025-W01")
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        target = targets.get(n)
        verdict = "-" if target is None else ("ok" if elapsed < target and peak < 1024 else "MISSED")
        rows.append((n, plan.stats.method, plan.stats.edges, f"{elapsed:.2f}", f"{target or '-'}",
                     f"{peak:.0f}", f"{plan.stats.coverage:.3f}", verdict))
    table("Round time and memory (30 venues)",
          ("candidates", "method", "pairs", "time s", "target s", "peak MiB", "coverage", "verdict"), rows)


def networkx_optimum(n: int, edges: np.ndarray, weights: np.ndarray) -> float:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((int(i), int(j), float(w)) for (i, j), w in zip(edges, weights))
    return sum(graph[i][j]["weight"] for i, j in nx.max_weight_matching(graph))


def quality(sizes: Sequence[int], full_reference_max: int) -> None:
    rows = []
    for n in sizes:
        cands = order_candidates(synthetic_network(n, seed=100 + n).members, "2025-W02")
        full = n <= W.full_graph_max_candidates
        graph = build_graph(cands, History(), W, None if full else W.top_k)
        e, s = graph.fresh, graph.fresh_score
        require(len(e), f"candidate pairs at {n}", n)
        start = time.perf_counter()
        optimum = networkx_optimum(n, e, s)
        nx_time = time.perf_counter() - start
        label = "all viable" if full else f"top-{W.top_k}"
        methods: list[tuple[str, Callable[[], list[tuple[int, int]]]]] = [
            ("exact (rustworkx)", lambda: exact_matching(n, e, s)),
            ("relaxed (large rounds)", lambda: relaxed_matching(n, e, s)),
            ("relaxed, windows of 200", lambda: _small_windows(n, e, s)),
        ]
        for name, solve in methods:
            start = time.perf_counter()
            weight = matching_weight(solve(), e, s)
            rows.append((n, label, len(e), name, f"{weight:.1f}", f"{optimum:.1f}", f"{weight / optimum:.4f}",
                         f"{time.perf_counter() - start:.2f}", f"{nx_time:.1f}"))
        if not full and n <= full_reference_max:
            every = build_graph(cands, History(), W, None)
            best = matching_weight(exact_matching(n, every.fresh, every.fresh_score), every.fresh, every.fresh_score)
            rows.append((n, "all viable", len(every.fresh), f"top-{W.top_k} optimum vs this optimum",
                         f"{optimum:.1f}", f"{best:.1f}", f"{optimum / best:.4f}", "-", "(rustworkx)"))
    table("Matching quality: weight / exact optimum on the same graph (networkx), target >= 0.99",
          ("candidates", "graph", "pairs", "method", "weight", "optimum", "ratio", "time s", "networkx s"), rows)


def quality_large(sizes: Sequence[int], bound_only: Sequence[int]) -> None:
    """The large-round method against the exact optimum (rustworkx; networkx would take hours), on
    the plain scores and on the round's solver weights; against the relaxation's bound at sizes
    where the exact solver is too slow."""
    rows = []
    for n in [*sizes, *bound_only]:
        cands = order_candidates(synthetic_network(n, seed=100 + n).members, "2025-W02")
        graph = build_graph(cands, History(), W, W.top_k)
        e = graph.fresh
        require(len(e), f"candidate pairs at {n}", n)
        priority = np.array([c.priority for c in cands], dtype=bool)
        for label, weights, cover in (("score", graph.fresh_score, False),
                                      ("round weights", solver_weights(e, graph.fresh_score, priority, W), True)):
            if n in bound_only and not cover:
                continue
            start = time.perf_counter()
            pairs = relaxed_matching(n, e, weights)
            elapsed = time.perf_counter() - start
            require(len(pairs), f"pairs of the large-round method at {n}", n // 4)
            weight = matching_weight(pairs, e, weights)
            if n in bound_only:
                reference, ref_name, ref_time, ref_left = relax(n, e, weights).bound, "LP bound", "-", "-"
            else:
                start = time.perf_counter()
                exact = exact_matching(n, e, weights, max_cardinality=cover)
                ref_time = f"{time.perf_counter() - start:.1f}"
                reference, ref_name, ref_left = matching_weight(exact, e, weights), "exact", n - 2 * len(exact)
            rows.append((n, len(e), label, f"{elapsed:.2f}", ref_name, ref_time, f"{weight / reference:.6f}",
                         n - 2 * len(pairs), ref_left))
    table(f"Large rounds: relaxation + local moves + windows against the exact optimum (rustworkx) or the LP "
          f"bound, top-{W.top_k} graph, target >= 0.99",
          ("candidates", "pairs", "weights", "time s", "reference", "ref. time s", "ratio", "left out",
           "ref. left out"), rows)


def _small_windows(n: int, edges: np.ndarray, weights: np.ndarray) -> list[tuple[int, int]]:
    """The large-round method with windows much smaller than the graph, as at 10,000 candidates."""
    import bot.matchmaking.engine.solver as solver

    saved = solver.WINDOW
    solver.WINDOW = 200
    try:
        return relaxed_matching(n, edges, weights)
    finally:
        solver.WINDOW = saved


def random_pairing(people: list[Candidate], history: History, seed: str) -> list[tuple[int, int]]:
    """Random Coffee style: shuffle, pair each with the next one the hard rules allow."""
    rng = random.Random(seed)
    pool = people[:]
    rng.shuffle(pool)
    return _first_fit(pool, lambda a, b: True)


def greedy_no_repeat(people: list[Candidate], history: History, seed: str) -> list[tuple[int, int]]:
    """Donut style: shuffle, pair each with the next allowed person not met within the window."""
    rng = random.Random(seed)
    pool = people[:]
    rng.shuffle(pool)

    def fresh(a: Candidate, b: Candidate) -> bool:
        ago = history.rounds_since(a.member_id, b.member_id)
        return ago is None or ago >= W.repeat_window_rounds

    return _first_fit(pool, fresh)


def _first_fit(pool: list[Candidate], ok: Callable[[Candidate, Candidate], bool]) -> list[tuple[int, int]]:
    taken: set[int] = set()
    pairs = []
    for i, a in enumerate(pool):
        if a.member_id in taken:
            continue
        for b in pool[i + 1:]:
            if b.member_id not in taken and allowed(a, b) and ok(a, b):
                taken |= {a.member_id, b.member_id}
                pairs.append((a.member_id, b.member_id))
                break
    return pairs


def maillage(people: list[Candidate], history: History, seed: str) -> list[tuple[int, int]]:
    plan = plan_round(people, history, seed=seed)
    return [pair for intro in plan.introductions for pair in intro.pairs()]


def simulate(n: int, rounds: int) -> list[tuple]:
    """`rounds` rounds on one network; members left out by the matching get priority next round, as
    the real run sets it. Twice left out: a member left out two rounds running."""
    net = synthetic_network(n, seed=7)
    by_id = {p.member_id: p for p in net.members}
    rows = []
    for name, strategy in (("maillage", maillage), ("random pairing", random_pairing),
                           ("greedy, no repeat", greedy_no_repeat)):
        history = History()
        seen: set[tuple[int, int]] = set()
        pairs_total = cross = need = repeats = matched = twice = 0
        score = 0.0
        left_before: set[int] = set()
        start = time.perf_counter()
        for r in range(rounds):
            people = [replace(p, priority=p.member_id in left_before) for p in net.members]
            pairs = strategy(people, history, f"2025-W{r + 1:02d}")
            for a, b in pairs:
                key = pair_key(a, b)
                repeats += key in seen
                seen.add(key)
                s, reasons = explain(by_id[a], by_id[b], history, W)
                codes = {reason.code for reason in reasons}
                cross += "cross_venue" in codes
                need += "need_offer" in codes
                score += s
            pairs_total += len(pairs)
            require(len(pairs), f"pairs of round {r + 1} ({name})", n // 4)
            matched += 2 * len(pairs)
            covered = {m for pair in pairs for m in pair}
            left = set(by_id) - covered
            twice += len(left & left_before)
            left_before = left
            history = _advance(history, pairs, by_id)
        rows.append((name, n, rounds, f"{matched / (n * rounds):.3f}", f"{cross / pairs_total:.3f}",
                     f"{need / pairs_total:.3f}", repeats, twice, f"{score / pairs_total:.1f}",
                     f"{(time.perf_counter() - start) / rounds:.2f}"))
    return rows


def simulations(sizes: Sequence[int], round_counts: Sequence[int]) -> None:
    rows = [row for n in sizes for rounds in round_counts for row in simulate(n, rounds)]
    table("Rounds on a mixed network (30 venues, fr/en): fresh partners first",
          ("strategy", "members", "rounds", "coverage", "cross-venue", "need<->offer", "repeats", "twice left out",
           "mean score", "s/round"), rows)


def _advance(history: History, pairs: list[tuple[int, int]], by_id: dict[int, Candidate]) -> History:
    introduced = dict(history.introduced)
    venues = dict(history.venue_pair_counts)
    for a, b in pairs:
        introduced[pair_key(a, b)] = history.round_index
        va, vb = by_id[a].venue_id, by_id[b].venue_id
        if va is not None and vb is not None and va != vb:
            venues[pair_key(va, vb)] = venues.get(pair_key(va, vb), 0) + 1
    return History(history.round_index + 1, introduced, venues)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args(argv)
    if args.quick:
        speed((300, 1500), {})
        quality((200, 600), full_reference_max=600)
        quality_large((3000,), bound_only=(6000,))
        simulations((80, 150), (12,))
    else:
        speed((1000, 10000), {1000: 2.0, 10000: 15.0})
        quality((500, 2000), full_reference_max=2000)
        quality_large((4000, 7000, 10000, 20000), bound_only=(50000,))
        simulations((80, 600, 5000), (12, 26))


if __name__ == "__main__":
    main()
