"""The candidate graph of a round: every viable pair (small rounds) or each member's best partners.

Only pairs with a link (a need met by an offer, or a shared interest) can be viable, so partners are
found through a skill index — offerers, needers and fans of each skill — instead of trying all n²
pairs. In a sparse round (top-k) each posting list contributes at most `SAMPLE_PER_SKILL` partners
to a member: a window of the list (which is in the round's shuffled order) starting at an offset
that depends on the member. The work is therefore O(n·k) however popular a skill is, and
deterministic for a seed. Recent partners are always looked at (the last-resort repeats need them).

Everything is vectorized over blocks of members: probe pairs are generated with numpy, link counts
are exact for every pair looked at (skills are bit sets, counted with `bitwise_count`), and the score
uses the same term functions as `scoring.explain`.

Pairs introduced within the repeat window are kept apart (`repeat_*`): the round uses them only as a
last resort.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from bot.matchmaking.engine import scoring
from bot.matchmaking.engine.model import Candidate, History, VenuePreference, Weights, pair_key

log = logging.getLogger(__name__)

_NO_EDGES = np.empty((0, 2), dtype=np.int64)
SAMPLE_PER_SKILL = 32
"""Partners looked at per skill of a member in a sparse round: enough that each member's `top_k`
best are found among hundreds of linked partners, few enough to keep a 50,000-member round linear."""
BLOCK_PROBES = 2_000_000
"""Probe pairs scored at once: bounds the memory of a large round (about 100 bytes per probe)."""
_GOLDEN = 2654435761  # spreads the members' window offsets over a posting list


@dataclass(frozen=True)
class CandidateGraph:
    """Viable pairs of a round, by candidate index (position in the round's candidate list).

    `fresh` and `repeat` are (m, 2) arrays of index pairs with i < j; `*_score` their scores.
    `exhaustive` is True when every viable pair is present (no top-k cut, no sampling).
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
        return speaks, int(idx.allowed(np.full(self.n, i), js).sum())


class _Postings:
    """Members holding each skill, as one flat array with per-skill offsets (round order)."""

    def __init__(self, members: np.ndarray, bits: np.ndarray, skills: int) -> None:
        # Memberships are sorted by member: a stable sort by skill keeps each list in round order.
        self.length = np.bincount(bits, minlength=skills).astype(np.int64)
        self.start = np.concatenate([[0], np.cumsum(self.length)[:-1]]).astype(np.int64)
        self.flat = members[np.argsort(bits, kind="stable")]


class _Index:
    """Per-round arrays the vectorized scoring reads."""

    def __init__(self, cands: Sequence[Candidate], history: History, w: Weights) -> None:
        n = len(cands)
        pos = {c.member_id: i for i, c in enumerate(cands)}
        skills = sorted({s for c in cands for s in (*c.offers, *c.needs, *c.interests)})
        bit = {s: k for k, s in enumerate(skills)}
        # (member, skill bit) memberships, to probe the other side's postings.
        self.memberships = {attr: _memberships(cands, attr, bit) for attr in ("offers", "needs", "interests")}
        self.offerers = _Postings(*self.memberships["offers"], len(bit))
        self.needers = _Postings(*self.memberships["needs"], len(bit))
        self.fans = _Postings(*self.memberships["interests"], len(bit))
        self.offer_bits = _bitsets(*self.memberships["offers"], n, len(bit))
        self.need_bits = _bitsets(*self.memberships["needs"], n, len(bit))
        self.fan_bits = _bitsets(*self.memberships["interests"], n, len(bit))

        venues = sorted({c.venue_id for c in cands if c.venue_id is not None})
        vpos = {v: k for k, v in enumerate(venues)}
        self.no_venue = len(venues)  # index of "no venue": never the same venue as anyone
        self.venue = np.array([vpos.get(c.venue_id, self.no_venue) for c in cands], dtype=np.int64)
        self.venue_matrix = _venue_matrix(cands, venues, history, w)
        # Pairs with someone meeting by video only: the same term without its distance part.
        self.video = np.array([c.by_video for c in cands], dtype=bool)
        self.venue_matrix_video = _venue_matrix(cands, venues, history, w, distance=False) if self.video.any() else None

        codes = sorted({lang for c in cands for lang in c.languages})
        if len(codes) > 63:
            raise ValueError("more than 63 distinct languages in one round")
        lang_bit = {code: 1 << k for k, code in enumerate(codes)}
        self.lang = np.array([sum(lang_bit[x] for x in c.languages) for c in cands], dtype=np.int64)
        self.ok = np.array([c.preference is VenuePreference.SAME_VENUE_OK for c in cands], dtype=bool)
        self.only = np.array([c.preference is VenuePreference.OTHER_VENUES_ONLY for c in cands], dtype=bool)

        blocked = [(i, pos[o]) for i, c in enumerate(cands) for o in c.never_with if o in pos]
        self.blocked = _keys(blocked + [(j, i) for i, j in blocked], n)
        ri, rj = _recent(cands, history, w)
        ri, rj = np.concatenate([ri, rj]), np.concatenate([rj, ri])
        order = np.lexsort((rj, ri))
        self.recent_pairs = np.stack([ri[order], rj[order]], axis=1).reshape(-1, 2)
        self.recent = _sorted_unique(self.recent_pairs[:, 0] * n + self.recent_pairs[:, 1])
        self.n = n

    def allowed(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Hard rules of `scoring.allowed`, pair by pair."""
        same = (self.venue[i] == self.venue[j]) & (self.venue[i] != self.no_venue)
        ok = ((self.lang[i] & self.lang[j]) != 0) & (i != j)
        ok &= ~(same & (self.only[i] | self.only[j]))
        if len(self.blocked):
            ok &= ~_within(i * self.n + j, self.blocked)
        return ok


def _recent(cands: Sequence[Candidate], history: History, w: Weights) -> tuple[np.ndarray, np.ndarray]:
    """Candidate positions (i, j) of the pairs introduced within the repeat window, both in the round.

    Vectorized: a network that ran its repeat window of rounds remembers a million pairs.
    """
    if not history.introduced:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    count = len(history.introduced)
    pairs = np.fromiter(chain.from_iterable(history.introduced), dtype=np.int64, count=2 * count).reshape(-1, 2)
    last = np.fromiter(history.introduced.values(), dtype=np.int64, count=count)
    ids = np.array([c.member_id for c in cands], dtype=np.int64)
    by_id = np.argsort(ids)
    found = np.minimum(np.searchsorted(ids[by_id], pairs), max(len(ids) - 1, 0))
    inside = (ids[by_id][found] == pairs).all(axis=1) if len(ids) else np.zeros(len(pairs), dtype=bool)
    keep = inside & (history.round_index - last < w.repeat_window_rounds)
    positions = by_id[found[keep]]
    return positions[:, 0], positions[:, 1]


def _within(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin for a sorted unique `sorted_set`, by binary search (isin sorts both arrays each call)."""
    if len(sorted_set) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_set, keys), len(sorted_set) - 1)
    return sorted_set[pos] == keys


def _keys(pairs: list[tuple[int, int]], n: int) -> np.ndarray:
    return np.unique(np.array([i * n + j for i, j in pairs], dtype=np.int64))


def _memberships(cands: Sequence[Candidate], attr: str, bit: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(members, skill bits) of every (member, skill) of kind `attr`, sorted by member then skill."""
    held = [getattr(c, attr) for c in cands]
    members = np.repeat(np.arange(len(cands), dtype=np.int64), [len(h) for h in held])
    bits = np.array([bit[s] for h in held for s in sorted(h)], dtype=np.int64)
    return members, bits


def _bitsets(members: np.ndarray, bits: np.ndarray, n: int, skills: int) -> np.ndarray:
    """(words, n) uint64 array: bit b of column i is set when candidate i has the skill of bit b (one
    row per word, so a block of pairs gathers each word contiguously)."""
    words = max(1, -(-skills // 64))
    out = np.zeros((words, n), dtype=np.uint64)
    if len(members):
        np.bitwise_or.at(out, (bits // 64, members), np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64)))
    return out


def _common(a: np.ndarray, b: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Pair by pair, how many bits column i of `a` and column j of `b` share (word by word: a sum
    over a short axis of a 2-D array is several times slower)."""
    total = np.bitwise_count(a[0][i] & b[0][j]).astype(np.int64)
    for word in range(1, len(a)):
        total += np.bitwise_count(a[word][i] & b[word][j])
    return total


def _venue_matrix(cands: Sequence[Candidate], venues: list[int], history: History, w: Weights,
                  distance: bool = True) -> np.ndarray:
    """Cross-venue term for each pair of venues (0 on the diagonal and for "no venue"); without its
    distance part when `distance` is False (pairs meeting by video)."""
    coords: dict[int, tuple[float, float]] = {}
    for c in cands:
        if c.venue_id is not None and c.coordinates is not None:
            coords.setdefault(c.venue_id, c.coordinates)
    size = len(venues) + 1
    matrix = np.zeros((size, size))
    for a in range(len(venues)):
        for b in range(a + 1, len(venues)):
            va, vb = venues[a], venues[b]
            km = scoring.distance_km(coords[va], coords[vb]) if distance and va in coords and vb in coords else None
            recent = history.venue_pair_counts.get(pair_key(va, vb), 0)
            matrix[a, b] = matrix[b, a] = scoring.cross_venue_term(recent, km, w)
    return matrix


def _probe(members: np.ndarray, bits: np.ndarray, postings: _Postings, cap: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) probe pairs: for each membership (i, skill), a window of that skill's postings."""
    length = postings.length[bits]
    count = length if cap is None else np.minimum(length, cap)
    total = int(count.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(members)), count)
    within = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    offset = (members * _GOLDEN) % np.maximum(length, 1) if cap is not None else np.zeros_like(members)
    slot = (offset[owner] + within) % length[owner]
    return members[owner], postings.flat[postings.start[bits[owner]] + slot]


def _blocks(idx: _Index, cap: int | None):
    """Member ranges whose probes fit in `BLOCK_PROBES`."""
    per = np.zeros(idx.n, dtype=np.int64)
    for attr, postings in (("needs", idx.offerers), ("offers", idx.needers), ("interests", idx.fans)):
        members, bits = idx.memberships[attr]
        length = postings.length[bits]
        np.add.at(per, members, length if cap is None else np.minimum(length, cap))
    bounds = np.searchsorted(np.cumsum(per), np.arange(BLOCK_PROBES, int(per.sum()) + BLOCK_PROBES, BLOCK_PROBES))
    start = 0
    for end in [*sorted(set((bounds + 1).tolist())), idx.n]:
        end = min(int(end), idx.n)
        if end > start:
            yield start, end
            start = end


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy's hash-based unique is several times slower on millions of ints)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _top_per_member(i: np.ndarray, score: np.ndarray, k: int | None) -> np.ndarray:
    """Mask of the k best pairs of each i (i sorted ascending)."""
    if k is None or len(i) == 0:
        return np.ones(len(i), dtype=bool)
    order = np.lexsort((-score, i))
    first = np.r_[0, np.flatnonzero(np.diff(i[order])) + 1]
    rank = np.arange(len(i)) - np.repeat(first, np.diff(np.r_[first, len(i)]))
    keep = np.zeros(len(i), dtype=bool)
    keep[order[rank < k]] = True
    return keep


def build_graph(cands: Sequence[Candidate], history: History, w: Weights, top_k: int | None) -> CandidateGraph:
    """The viable pairs of the round.

    Args:
        cands: the round's candidates, in the round's (seeded) order.
        history: past introductions, for repeats and venue-pair rarity.
        w: weights.
        top_k: keep each member's k best fresh partners and k best repeat partners (an edge is kept
            when either end keeps it), looking at `SAMPLE_PER_SKILL` partners per skill; None keeps
            every viable pair.
    """
    idx = _Index(cands, history, w)
    n = len(cands)
    cap = None if top_k is None else SAMPLE_PER_SKILL
    chunks: dict[str, list[np.ndarray]] = {"fresh": [], "fresh_s": [], "repeat": [], "repeat_s": []}
    for lo, hi in _blocks(idx, cap):
        parts_i, parts_j = [], []
        for attr, postings in (("needs", idx.offerers), ("offers", idx.needers), ("interests", idx.fans)):
            members, bits = idx.memberships[attr]
            a, b = np.searchsorted(members, [lo, hi])
            pi, pj = _probe(members[a:b], bits[a:b], postings, cap)
            parts_i.append(pi)
            parts_j.append(pj)
        ra, rb = np.searchsorted(idx.recent_pairs[:, 0], [lo, hi])
        parts_i.append(idx.recent_pairs[ra:rb, 0])
        parts_j.append(idx.recent_pairs[ra:rb, 1])
        keys = _sorted_unique(np.concatenate(parts_i) * n + np.concatenate(parts_j))
        i, j = keys // n, keys % n
        k_in = _common(idx.need_bits, idx.offer_bits, i, j)
        k_out = _common(idx.offer_bits, idx.need_bits, i, j)
        shared = _common(idx.fan_bits, idx.fan_bits, i, j)
        score = scoring.need_term(k_in, w) + scoring.need_term(k_out, w) + scoring.interest_term(shared, w)
        venue_term = idx.venue_matrix[idx.venue[i], idx.venue[j]]
        if idx.venue_matrix_video is not None:
            venue_term = np.where(idx.video[i] | idx.video[j], idx.venue_matrix_video[idx.venue[i], idx.venue[j]],
                                  venue_term)
        score = score + venue_term
        same = (idx.venue[i] == idx.venue[j]) & (idx.venue[i] != idx.no_venue)
        score = score - w.same_venue_penalty * (same & ~(idx.ok[i] & idx.ok[j]))
        # A recent partner may share nothing any more: a link is required of every pair.
        keep = ((k_in | k_out | shared) > 0) & idx.allowed(i, j) & (score >= w.min_score)
        i, j, score, keys = i[keep], j[keep], score[keep], keys[keep]
        repeat = _within(keys, idx.recent)
        for name, mask in (("fresh", ~repeat), ("repeat", repeat)):
            mi, mj, ms = (i, j, score) if mask.all() else (i[mask], j[mask], score[mask])
            if len(mi):
                top = _top_per_member(mi, ms, top_k)
                chunks[name].append(np.stack([mi[top], mj[top]], axis=1))
                chunks[name + "_s"].append(ms[top])
    fresh, fresh_s = _dedupe(chunks["fresh"], chunks["fresh_s"], n)
    repeat, repeat_s = _dedupe(chunks["repeat"], chunks["repeat_s"], n)
    log.debug("candidate graph: %d candidates, %d fresh and %d repeat pairs", n, len(fresh), len(repeat))
    return CandidateGraph(n, fresh, fresh_s, repeat, repeat_s, top_k is None, idx)


def _dedupe(pairs: list[np.ndarray], scores: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge per-member edge lists into unique (i < j) edges."""
    pairs = [p for p in pairs if len(p)]
    if not pairs:
        return _NO_EDGES, np.empty(0)
    edges = np.concatenate(pairs)
    s = np.concatenate([x for x in scores if len(x)])
    edges = np.sort(edges, axis=1)
    _, first = np.unique(edges[:, 0] * n + edges[:, 1], return_index=True)
    return edges[first], s[first]
