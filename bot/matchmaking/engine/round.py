"""Plan one matchmaking round: candidates in, introductions, left-out members and figures out.

How a round is decided:

1. Candidates are put in an order shuffled by the round's seed (its period string), so ties break
   differently each round yet a dry-run and the real run of a period give the same plan.
2. The candidate graph holds the viable pairs (hard rules kept, a need<->offer link or a shared
   interest, score >= min_score): every one in rounds up to `Weights.full_graph_max_candidates`,
   each member's `top_k` best in larger ones. Rounds up to `Weights.exact_max_candidates` are solved
   exactly (blossom), larger ones from the fractional relaxation polished by local moves and exact
   windows (`solver.relaxed_matching`).
3. Phase 1 matches on fresh pairs only, **everyone who can be covered first**: the solver's weight
   of a pair is its score, plus a priority bonus per member left out last round, plus a cover
   offset larger than any two bonuses and scores together — so a matching that covers more people
   always wins, then one that covers the left-out, then the higher total score (the exact solver is
   asked for a maximum cardinality matching as well). The reported score stays the plain score. A
   weak pair (score under `Weights.min_score`) is never in the graph: skipping it is explicit.
4. Phase 2, the last resort for repeats: members still unmatched may be paired with someone met
   within the repeat window — only when both would otherwise be left out. A repeat is therefore
   never chosen over a fresh partner that was still available.
5. With `allow_triples`, each member left over who has a fresh viable partner in a pair joins the
   pair where they add the most (a language shared by all three, no hard rule broken, no recent
   repeat inside the group; each pair takes at most one).
6. Everyone else gets a reason code (`UnmatchedReason`).
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import partial

import numpy as np

from bot.matchmaking.engine import scoring
from bot.matchmaking.engine.graph import CandidateGraph, build_graph
from bot.matchmaking.engine.model import (
    Candidate,
    History,
    Introduction,
    RoundPlan,
    RoundStats,
    Unmatched,
    UnmatchedReason,
    Weights,
    unique_ids,
)
from bot.matchmaking.engine.solver import exact_matching, relaxed_matching

log = logging.getLogger(__name__)


def order_candidates(candidates: Iterable[Candidate], seed: str) -> list[Candidate]:
    """The round's candidate order: by member id, then shuffled by the seed (independent of input order)."""
    ordered = sorted(candidates, key=lambda c: c.member_id)
    random.Random(seed).shuffle(ordered)
    return ordered


def plan_round(
    candidates: Sequence[Candidate],
    history: History | None = None,
    *,
    weights: Weights | None = None,
    seed: str = "",
    allow_triples: bool = False,
) -> RoundPlan:
    """Decide a round. Pure: same arguments, same plan.

    Args:
        candidates: members due this round (each member at most once).
        history: past introductions and the index of this round; empty by default.
        weights: scoring weights and thresholds; the defaults by default.
        seed: the round's period string, e.g. "2025-W48".
        allow_triples: attach members left over to the pair that suits them best.
    """
    history = history or History()
    weights = weights or Weights()
    unique_ids(candidates)
    cands = order_candidates(candidates, seed)
    n = len(cands)
    full = n <= weights.full_graph_max_candidates
    graph = build_graph(cands, history, weights, None if full else weights.top_k)
    if n <= weights.exact_max_candidates:
        solve, method = partial(exact_matching, max_cardinality=True), "exact-" + ("full" if full else "sparse")
    else:
        solve, method = relaxed_matching, "relaxed-sparse"
    priority = np.array([c.priority for c in cands], dtype=bool)

    groups: list[list[int]] = [list(p) for p in _solve(solve, n, graph.fresh, graph.fresh_score, priority, weights)]
    matched = np.zeros(n, dtype=bool)
    for group in groups:
        matched[group] = True
    # Phase 2: repeats, only between members who would otherwise both be left out.
    if len(graph.repeat):
        both_free = ~matched[graph.repeat[:, 0]] & ~matched[graph.repeat[:, 1]]
        for pair in _solve(solve, n, graph.repeat[both_free], graph.repeat_score[both_free], priority, weights):
            groups.append(list(pair))
            matched[list(pair)] = True
    if allow_triples:
        _attach_triples(cands, graph, groups, matched, history, weights)

    introductions = [_introduction(cands, group, history, weights) for group in groups]
    introductions.sort(key=lambda intro: intro.members)
    fresh_deg = np.bincount(graph.fresh.ravel(), minlength=n)
    repeat_deg = np.bincount(graph.repeat.ravel(), minlength=n)
    unmatched = [
        Unmatched(cands[i].member_id, _why_unmatched(graph, i, fresh_deg[i], repeat_deg[i]))
        for i in range(n) if not matched[i]
    ]
    unmatched.sort(key=lambda u: u.member_id)
    stats = _stats(n, introductions, unmatched, method, graph)
    log.info("round %r: %d candidates, %d introductions, %d left out (%s)",
             seed, n, len(introductions), len(unmatched), stats.method)
    return RoundPlan(tuple(introductions), tuple(unmatched), stats)


def solver_weights(edges: np.ndarray, scores: np.ndarray, priority: np.ndarray, w: Weights) -> np.ndarray:
    """Solver weights: cover as many people as possible, then the left-out of last round, then score.

    The bonus for a prioritized member beats any score difference of one pair; the cover offset of a
    pair beats two bonuses and a score, so trading one pair for two (covering two more people) always
    pays, whatever the scores.
    """
    top = float(scores.max()) if len(scores) else 0.0
    boost = max(w.priority_boost, top + 1.0)
    cover = 2 * boost + top + 1.0
    return scores + boost * (priority[edges[:, 0]].astype(float) + priority[edges[:, 1]]) + cover


def _solve(solve, n: int, edges: np.ndarray, scores: np.ndarray, priority: np.ndarray,
           w: Weights) -> list[tuple[int, int]]:
    if len(edges) == 0:
        return []
    return solve(n, edges, solver_weights(edges, scores, priority, w))


def _attach_triples(
    cands: Sequence[Candidate],
    graph: CandidateGraph,
    groups: list[list[int]],
    matched: np.ndarray,
    history: History,
    w: Weights,
) -> None:
    """Attach each leftover member with a fresh viable partner to the pair where they add most."""
    group_of = {i: g for g, group in enumerate(groups) for i in group}
    neighbours: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (i, j), s in zip(graph.fresh.tolist(), graph.fresh_score.tolist()):
        neighbours[i].append((j, s))
        neighbours[j].append((i, s))
    for x in range(graph.n):
        if matched[x] or x not in neighbours:
            continue
        best: tuple[float, int] | None = None
        for a, s_xa in neighbours[x]:
            g = group_of.get(a)
            if g is None or len(groups[g]) != 2:
                continue
            (b,) = [m for m in groups[g] if m != a]
            if not _fits_group(cands, x, groups[g], history, w):
                continue
            s_xb = scoring.explain(cands[x], cands[b], history, w)[0]
            if best is None or s_xa + s_xb > best[0]:
                best = (s_xa + s_xb, g)
        if best is not None:
            groups[best[1]].append(x)
            group_of[x] = best[1]
            matched[x] = True


def _fits_group(cands: Sequence[Candidate], x: int, group: list[int], history: History, w: Weights) -> bool:
    members = [cands[i] for i in group]
    newcomer = cands[x]
    if not newcomer.languages.intersection(*(m.languages for m in members)):
        return False
    for m in members:
        if not scoring.allowed(newcomer, m):
            return False
        ago = history.rounds_since(newcomer.member_id, m.member_id)
        if ago is not None and ago < w.repeat_window_rounds:
            return False
    return True


def _introduction(cands: Sequence[Candidate], group: list[int], history: History, w: Weights) -> Introduction:
    people = sorted((cands[i] for i in group), key=lambda c: c.member_id)
    scores, reasons = [], []
    for k, a in enumerate(people):
        for b in people[k + 1:]:
            score, why = scoring.explain(a, b, history, w)
            scores.append(score)
            reasons.extend(why)
    return Introduction(
        members=tuple(c.member_id for c in people),
        score=round(sum(scores) / len(scores), 4),
        reasons=tuple(reasons),
        repeat=any(r.code == "repeat" for r in reasons),
    )


def _why_unmatched(graph: CandidateGraph, i: int, fresh_partners: int, repeat_partners: int) -> UnmatchedReason:
    if fresh_partners:
        return UnmatchedReason.ODD_ONE_OUT
    if repeat_partners:
        return UnmatchedReason.RECENT_PARTNERS_ONLY
    if graph.n == 1:
        return UnmatchedReason.ALONE
    speaks, allowed = graph.allowed_counts(i)
    if speaks == 0:
        return UnmatchedReason.NO_COMMON_LANGUAGE
    if allowed == 0:
        return UnmatchedReason.ALL_BLOCKED
    return UnmatchedReason.WEAK_BEST_MATCH


def _stats(n: int, intros: list[Introduction], unmatched: list[Unmatched], method: str,
           graph: CandidateGraph) -> RoundStats:
    return RoundStats(
        candidates=n,
        matched=sum(len(intro.members) for intro in intros),
        introductions=len(intros),
        triples=sum(1 for intro in intros if len(intro.members) == 3),
        cross_venue=sum(1 for intro in intros if intro.has("cross_venue")),
        need_offer=sum(1 for intro in intros if intro.has("need_offer")),
        repeats=sum(1 for intro in intros if intro.repeat),
        total_score=round(sum(intro.score for intro in intros), 4),
        method=method,
        edges=len(graph.fresh) + len(graph.repeat),
        unmatched=dict(sorted(Counter(u.reason.value for u in unmatched).items())),
    )
