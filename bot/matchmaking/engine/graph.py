"""The candidate graph of a round: every viable pair (small rounds) or each member's best partners.

Only pairs with a link (a need met by an offer, or a shared interest) can be viable, so partners are
found through a skill index — offerers, needers and fans of each skill — instead of trying all n²
pairs: the work is proportional to the posting lists a member's skills touch. Scoring is vectorized
with numpy over those partners, using the same term functions as `scoring.explain`.

Pairs introduced within the repeat window are kept apart (`repeat_*`): the round uses them only as a
last resort.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.matchmaking.engine import scoring
from bot.matchmaking.engine.model import Candidate, History, VenuePreference, Weights, pair_key

log = logging.getLogger(__name__)

_NO_EDGES = np.empty((0, 2), dtype=np.int64)


@dataclass(frozen=True)
class CandidateGraph:
    """Viable pairs of a round, by candidate index (position in the round's candidate list).

    `fresh` and `repeat` are (m, 2) arrays of index pairs with i < j; `*_score` their scores.
    `exhaustive` is True when every viable pair is present (no top-k cut).
    """

    n: int
    fresh: np.ndarray
    fresh_score: np.ndarray
    repeat: np.ndarray
    repeat_score: np.ndarray
    exhaustive: bool
    index: _Index = field(repr=False, compare=False)

    def allowed_counts(self, i: int) -> tuple[int, int]:
        """For diagnosing candidate i: (others sharing a language, others passing every hard rule)."""
        idx = self.index
        js = np.arange(self.n)
        speaks = int((((idx.lang & idx.lang[i]) != 0) & (js != i)).sum())
        return speaks, int(idx.allowed_mask(i, js).sum())


class _Index:
    """Per-round arrays the vectorized scoring reads."""

    def __init__(self, cands: Sequence[Candidate], history: History, w: Weights) -> None:
        n = len(cands)
        pos = {c.member_id: i for i, c in enumerate(cands)}
        postings: dict[str, dict[int, list[int]]] = {k: defaultdict(list) for k in ("offer", "need", "fan")}
        for i, c in enumerate(cands):
            for s in c.offers:
                postings["offer"][s].append(i)
            for s in c.needs:
                postings["need"][s].append(i)
            for s in c.interests:
                postings["fan"][s].append(i)
        self.offerers = {s: np.array(v, dtype=np.int64) for s, v in postings["offer"].items()}
        self.needers = {s: np.array(v, dtype=np.int64) for s, v in postings["need"].items()}
        self.fans = {s: np.array(v, dtype=np.int64) for s, v in postings["fan"].items()}

        venues = sorted({c.venue_id for c in cands if c.venue_id is not None})
        vpos = {v: k for k, v in enumerate(venues)}
        self.no_venue = len(venues)  # index of "no venue": never the same venue as anyone
        self.venue = np.array([vpos.get(c.venue_id, self.no_venue) for c in cands], dtype=np.int64)
        self.venue_matrix = _venue_matrix(cands, venues, history, w)

        codes = sorted({lang for c in cands for lang in c.languages})
        if len(codes) > 63:
            raise ValueError("more than 63 distinct languages in one round")
        bit = {code: 1 << k for k, code in enumerate(codes)}
        self.lang = np.array([sum(bit[x] for x in c.languages) for c in cands], dtype=np.int64)
        self.ok = np.array([c.preference is VenuePreference.SAME_VENUE_OK for c in cands])
        self.only = np.array([c.preference is VenuePreference.OTHER_VENUES_ONLY for c in cands])

        blocked: dict[int, set[int]] = defaultdict(set)
        for i, c in enumerate(cands):
            for other in c.never_with:
                j = pos.get(other)
                if j is not None:
                    blocked[i].add(j)
                    blocked[j].add(i)
        self.blocked = {i: np.fromiter(js, dtype=np.int64) for i, js in blocked.items()}

        recent: dict[int, list[int]] = defaultdict(list)
        for (a, b), last in history.introduced.items():
            if history.round_index - last < w.repeat_window_rounds and a in pos and b in pos:
                recent[pos[a]].append(pos[b])
                recent[pos[b]].append(pos[a])
        self.recent = {i: np.array(js, dtype=np.int64) for i, js in recent.items()}
        self.n = n

    def allowed_mask(self, i: int, js: np.ndarray) -> np.ndarray:
        """Hard rules of `scoring.allowed`, for candidate i against the candidates js."""
        same = (self.venue[js] == self.venue[i]) & (self.venue[i] != self.no_venue)
        ok = ((self.lang[js] & self.lang[i]) != 0) & (js != i)
        ok &= ~(same & (self.only[i] | self.only[js]))
        if i in self.blocked:
            ok &= ~np.isin(js, self.blocked[i])
        return ok


def _venue_matrix(cands: Sequence[Candidate], venues: list[int], history: History, w: Weights) -> np.ndarray:
    """Cross-venue term for each pair of venues (0 on the diagonal and for "no venue")."""
    coords: dict[int, tuple[float, float]] = {}
    for c in cands:
        if c.venue_id is not None and c.coordinates is not None:
            coords.setdefault(c.venue_id, c.coordinates)
    size = len(venues) + 1
    matrix = np.zeros((size, size))
    for a in range(len(venues)):
        for b in range(a + 1, len(venues)):
            va, vb = venues[a], venues[b]
            km = scoring.distance_km(coords[va], coords[vb]) if va in coords and vb in coords else None
            recent = history.venue_pair_counts.get(pair_key(va, vb), 0)
            matrix[a, b] = matrix[b, a] = scoring.cross_venue_term(recent, km, w)
    return matrix


def _partners(idx: _Index, c: Candidate) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidates linked to c through its skills, with per-pair link counts.

    Returns (partners, c-needs-they-offer counts, they-need-c-offers counts, shared interests).
    The counts are accumulated with `bincount` over the posting lists c's skills touch.
    """
    lists = (
        [idx.offerers[s] for s in c.needs if s in idx.offerers],
        [idx.needers[s] for s in c.offers if s in idx.needers],
        [idx.fans[s] for s in c.interests if s in idx.fans],
    )
    counts = [
        np.bincount(np.concatenate(group), minlength=idx.n) if group else np.zeros(idx.n, dtype=np.int64)
        for group in lists
    ]
    partners = np.flatnonzero(counts[0] | counts[1] | counts[2])
    return partners, counts[0][partners], counts[1][partners], counts[2][partners]


def _top(js: np.ndarray, scores: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray]:
    if k is None or len(js) <= k:
        return js, scores
    keep = np.argpartition(-scores, k - 1)[:k]
    return js[keep], scores[keep]


def build_graph(cands: Sequence[Candidate], history: History, w: Weights, top_k: int | None) -> CandidateGraph:
    """The viable pairs of the round.

    Args:
        cands: the round's candidates, in the round's (seeded) order.
        history: past introductions, for repeats and venue-pair rarity.
        w: weights.
        top_k: keep each member's k best fresh partners and k best repeat partners (an edge is kept
            when either end keeps it); None keeps every viable pair.
    """
    idx = _Index(cands, history, w)
    chunks: dict[str, list[np.ndarray]] = {"fresh": [], "fresh_s": [], "repeat": [], "repeat_s": []}
    for i, c in enumerate(cands):
        js, k_in, k_out, shared = _partners(idx, c)
        if js.size == 0:
            continue
        score = scoring.need_term(k_in, w) + scoring.need_term(k_out, w) + scoring.interest_term(shared, w)
        score = score + idx.venue_matrix[idx.venue[i], idx.venue[js]]
        same = (idx.venue[js] == idx.venue[i]) & (idx.venue[i] != idx.no_venue)
        score = score - w.same_venue_penalty * (same & ~(idx.ok[i] & idx.ok[js]))
        keep = idx.allowed_mask(i, js) & (score >= w.min_score)
        js, score = js[keep], score[keep]
        repeat = np.isin(js, idx.recent[i]) if i in idx.recent else np.zeros(len(js), dtype=bool)
        for name, mask in (("fresh", ~repeat), ("repeat", repeat)):
            top_js, top_s = _top(js[mask], score[mask], top_k)
            if top_js.size:
                chunks[name].append(np.stack([np.full(len(top_js), i), top_js], axis=1))
                chunks[name + "_s"].append(top_s)
    fresh, fresh_s = _dedupe(chunks["fresh"], chunks["fresh_s"], len(cands))
    repeat, repeat_s = _dedupe(chunks["repeat"], chunks["repeat_s"], len(cands))
    log.debug("candidate graph: %d candidates, %d fresh and %d repeat pairs", len(cands), len(fresh), len(repeat))
    return CandidateGraph(len(cands), fresh, fresh_s, repeat, repeat_s, top_k is None, idx)


def _dedupe(pairs: list[np.ndarray], scores: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge per-member edge lists into unique (i < j) edges."""
    if not pairs:
        return _NO_EDGES, np.empty(0)
    edges = np.concatenate(pairs)
    s = np.concatenate(scores)
    edges = np.sort(edges, axis=1)
    _, first = np.unique(edges[:, 0] * n + edges[:, 1], return_index=True)
    return edges[first], s[first]

