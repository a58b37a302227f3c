"""Inputs and outputs of a matchmaking round: plain frozen dataclasses, no I/O.

The caller (the matchmaking job, the dry-run command) builds `Candidate`s and a `History` from the
database, picks `Weights` from the config, and gets back a `RoundPlan`: introductions with reasons
as structured codes (the chat layer renders them in each member's language), members left out with
a reason code, and the round's figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, NamedTuple


class VenuePreference(str, Enum):
    """How a member feels about being introduced to someone from their own venue."""

    OTHER_VENUES_PREFERRED = "other_venues_preferred"  # the default: same venue allowed, penalised
    SAME_VENUE_OK = "same_venue_ok"  # no penalty for a same-venue partner
    OTHER_VENUES_ONLY = "other_venues_only"  # hard: never a partner from the same venue


class UnmatchedReason(str, Enum):
    """Why a candidate got no introduction this round."""

    ALONE = "alone"  # the only candidate of the round
    NO_COMMON_LANGUAGE = "no_common_language"  # nobody else speaks one of their languages
    ALL_BLOCKED = "all_blocked"  # every partner sharing a language is ruled out by a hard rule
    WEAK_BEST_MATCH = "weak_best_match"  # their best possible partner scores under min_score
    RECENT_PARTNERS_ONLY = "recent_partners_only"  # only recent partners fit, and they were taken
    ODD_ONE_OUT = "odd_one_out"  # good partners exist, but the matching needed them elsewhere

    @property
    def gets_priority(self) -> bool:
        """Whether being left out for this reason earns priority next round.

        Only the reasons the matching itself caused: boosting someone nobody fits cannot help.
        """
        return self in (UnmatchedReason.ODD_ONE_OUT, UnmatchedReason.RECENT_PARTNERS_ONLY)


def pair_key(a: int, b: int) -> tuple[int, int]:
    """The order-free key of a pair of ids (members or venues)."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Candidate:
    """A member who is due for an introduction this round.

    Attributes:
        member_id: the Member's id.
        name: display name, only carried through to the plan for previews.
        venue_id: home venue id, or None when the member has none (never "same venue" as anyone).
        venue_slug: the venue's slug, for previews.
        coordinates: (latitude, longitude) of the venue in degrees, or None when unknown.
        offers, needs, interests: skill ids.
        languages: language codes the member accepts, e.g. {"fr", "en"}; one must be shared.
        preference: same-venue preference (see `VenuePreference`).
        never_with: member ids this member must never be introduced to (applied both ways).
        priority: left out by the matching last round; boosted so it does not happen twice running.
        by_video: meets by video only: the distance between venues means nothing for their pairs.
    """

    member_id: int
    name: str = ""
    venue_id: int | None = None
    venue_slug: str | None = None
    coordinates: tuple[float, float] | None = None
    offers: frozenset[int] = frozenset()
    needs: frozenset[int] = frozenset()
    interests: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset({"fr"})
    preference: VenuePreference = VenuePreference.OTHER_VENUES_PREFERRED
    never_with: frozenset[int] = frozenset()
    priority: bool = False
    by_video: bool = False


@dataclass(frozen=True)
class History:
    """What past rounds did, as far as this round's scoring cares.

    Attributes:
        round_index: the index of the round being planned; past rounds have smaller indices.
        introduced: pair key -> index of the most recent round that introduced that pair. Pass at
            least the last `Weights.repeat_window_rounds` rounds; older entries are ignored.
        venue_pair_counts: venue pair key -> number of introductions between those venues over a
            recent horizon of the caller's choosing (the same key for a venue with itself is unused).
    """

    round_index: int = 0
    introduced: Mapping[tuple[int, int], int] = field(default_factory=dict)
    venue_pair_counts: Mapping[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "introduced", MappingProxyType(dict(self.introduced)))
        object.__setattr__(self, "venue_pair_counts", MappingProxyType(dict(self.venue_pair_counts)))

    def rounds_since(self, a: int, b: int) -> int | None:
        """How many rounds ago `a` and `b` were last introduced, or None if never."""
        last = self.introduced.get(pair_key(a, b))
        return None if last is None else self.round_index - last

    def after(self, plan: RoundPlan, venue_of: Mapping[int, int | None]) -> History:
        """The history the next round sees once `plan` has been carried out.

        Args:
            plan: this round's plan.
            venue_of: member id -> venue id, to count venue-pair introductions.
        """
        introduced = dict(self.introduced)
        venue_counts = dict(self.venue_pair_counts)
        for intro in plan.introductions:
            for a, b in intro.pairs():
                introduced[pair_key(a, b)] = self.round_index
                va, vb = venue_of.get(a), venue_of.get(b)
                if va is not None and vb is not None and va != vb:
                    key = pair_key(va, vb)
                    venue_counts[key] = venue_counts.get(key, 0) + 1
        return History(self.round_index + 1, introduced, venue_counts)


@dataclass(frozen=True)
class Weights:
    """How a pair is scored and which pairs are worth a message. Defaults are the product's choice.

    A pair is only ever proposed when it has a *reason*: a need met by an offer, or a shared
    interest. Venue terms alone never make a pair (the message must say why this person).
    """

    need_offer: float = 10.0
    """Per direction in which one member needs a skill the other offers: the strongest term. A pair
    helping each other both ways scores it twice."""
    need_offer_extra_skill: float = 2.0
    """For each further matching skill in the same direction, up to `max_counted_skills` in all."""
    shared_interest: float = 3.0
    """Per interest both share, up to `max_counted_skills`."""
    max_counted_skills: int = 3
    """Cap on skills counted per term, so a long profile does not drown every other term."""
    cross_venue: float = 2.0
    """When the two members belong to different venues: the network is woven across venues."""
    rare_venue_pair_bonus: float = 2.0
    """Extra for a cross-venue pair, divided by (1 + recent introductions between the two venues),
    so every venue gets linked to every other over time."""
    distance: float = 1.0
    """Extra for a cross-venue pair whose venues are close, fading linearly to 0 at
    `distance_scale_km` (meeting in person is easier); 0 when a venue has no coordinates."""
    distance_scale_km: float = 50.0
    same_venue_penalty: float = 1.0
    """Subtracted for a same-venue pair unless both members said the same venue is fine."""
    min_score: float = 4.5
    """A pair under this score is never proposed; a member whose best partner is under it is left
    out this round as `weak_best_match`. The default lets one shared interest across venues pass,
    and not one shared interest inside a venue."""
    priority_boost: float = 30.0
    """Added to the solver's weight of every pair that includes a member left out last round
    (never to the reported score), so the matching includes them whenever it can: at least this, and
    always more than the round's best pair score (see `round.solver_weights`)."""
    repeat_window_rounds: int = 26
    """A pair introduced within this many rounds is only proposed as a last resort (see
    `plan_round`)."""
    top_k: int = 12
    """Best partners kept per member in the sparse candidate graph of larger rounds."""
    full_graph_max_candidates: int = 500
    """Rounds up to this many candidates consider every viable pair; larger ones keep each member's
    `top_k` best partners (a sparse graph)."""
    exact_max_candidates: int = 3000
    """Rounds up to this many candidates are solved exactly (blossom algorithm); larger ones from
    the fractional relaxation, polished (see `solver.relaxed_matching`). Measured on the benchmark's
    network (2026-12-06, load 3-4): exact 1.1 s against 0.6 s at 4,000 candidates, 3.8 s against
    0.8 s at 7,000, both within 1e-5 of each other; below about 3,000 exact is as fast: it is used
    wherever it is not the slower."""

    def __post_init__(self) -> None:
        numbers = {name: getattr(self, name) for name in self.__dataclass_fields__}
        bad = [name for name, value in numbers.items() if not math.isfinite(value) or value < 0]
        if bad:
            raise ValueError(f"matching weights must be finite and non-negative: {', '.join(bad)}")
        if self.max_counted_skills < 1 or self.top_k < 1 or self.distance_scale_km <= 0:
            raise ValueError("max_counted_skills and top_k must be >= 1, distance_scale_km > 0")


class Reason(NamedTuple):
    """One reason a pair was introduced, as a code and its parameters (never localized text).

    Codes and parameters:
        need_offer: {"needer": id, "offerer": id, "skills": [skill ids]}
        shared_interest: {"members": [id, id], "skills": [skill ids]}
        cross_venue: {"members": [id, id], "venues": [venue id, venue id], "recent": int,
            "distance_km": float | None}
        same_venue: {"members": [id, id], "venue": venue id}
        repeat: {"members": [id, id], "rounds_ago": int}
    """

    code: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Introduction:
    """Two (or, with triples, three) members to introduce to each other.

    `score` is the mean score of the pairs inside the group; `reasons` cover every pair in it.
    """

    members: tuple[int, ...]
    score: float
    reasons: tuple[Reason, ...]
    repeat: bool = False

    def pairs(self) -> list[tuple[int, int]]:
        m = self.members
        return [(m[i], m[j]) for i in range(len(m)) for j in range(i + 1, len(m))]

    def has(self, code: str) -> bool:
        return any(reason.code == code for reason in self.reasons)


@dataclass(frozen=True)
class Unmatched:
    member_id: int
    reason: UnmatchedReason


@dataclass(frozen=True)
class RoundStats:
    """The round's figures, for previews and stats."""

    candidates: int
    matched: int
    introductions: int
    triples: int
    cross_venue: int
    need_offer: int
    repeats: int
    total_score: float
    method: str  # "exact-full", "exact-sparse" or "relaxed-sparse" (the LP relaxation, polished)
    edges: int  # pairs considered by the solver
    unmatched: Mapping[str, int]  # reason code -> count

    @property
    def coverage(self) -> float:
        return self.matched / self.candidates if self.candidates else 0.0

    @property
    def cross_venue_share(self) -> float:
        return self.cross_venue / self.introductions if self.introductions else 0.0

    @property
    def need_offer_share(self) -> float:
        return self.need_offer / self.introductions if self.introductions else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "matched": self.matched,
            "introductions": self.introductions,
            "triples": self.triples,
            "coverage": round(self.coverage, 4),
            "cross_venue_share": round(self.cross_venue_share, 4),
            "need_offer_share": round(self.need_offer_share, 4),
            "repeats": self.repeats,
            "total_score": round(self.total_score, 3),
            "method": self.method,
            "edges": self.edges,
            "unmatched": dict(self.unmatched),
        }


@dataclass(frozen=True)
class RoundPlan:
    """What a round decides: who meets whom and why, who is left out and why, and the figures."""

    introductions: tuple[Introduction, ...]
    unmatched: tuple[Unmatched, ...]
    stats: RoundStats

    def priority_next(self) -> frozenset[int]:
        """Members to flag `priority` next round: those the matching itself left out."""
        return frozenset(u.member_id for u in self.unmatched if u.reason.gets_priority)

    def matched_ids(self) -> frozenset[int]:
        return frozenset(m for intro in self.introductions for m in intro.members)


def unique_ids(candidates: Iterable[Candidate]) -> None:
    """Raise ValueError when a member appears twice among the candidates."""
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.member_id in seen:
            raise ValueError(f"member {candidate.member_id} is a candidate twice")
        seen.add(candidate.member_id)
