"""The directory's in-memory index and its ranking, pure (no I/O): who offers what, who may see whom.

Only listed profiles (visibility `venue` or `network`) are ever indexed, so a private profile cannot
come out of a search whatever the query. The index answers with set algebra, which runs in C:

* skill id -> members offering it, and -> members interested in it;
* the members visible to the whole network, and per venue the members visible to that venue;
* a bio word index (`text.TextIndex`).

A search ranks in two tiers: first the members who *offer* a matching skill (by the skill's match
score), then those whose *interests* or *bio* match. Within one score, member id order keeps pages
stable. The ranking is lazy: groups of equal score are sorted only when a page reaches them, so a
query matching 20,000 members costs set operations, not a 20,000-item sort.

Freshness is the service's business (`service.py`); this module only offers `put` and `remove`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.directory.text import TextIndex
from bot.directory.visibility import LISTED, NETWORK

OFFER_TIER, SECOND_TIER = 1, 2
INTEREST_WEIGHT = 1.0
BIO_WEIGHT = 0.9  # a bio mentioning the words says less than a declared interest
BIO_FLOOR = 50.0  # mean word score: roughly, at least half of the query's words found


@dataclass(frozen=True, slots=True)
class Profile:
    """What the index knows of one member: enough to rank and filter, nothing to show."""

    member_id: int
    visibility: str
    venues: frozenset[int]  # home venue and attended venues
    offers: frozenset[int] = frozenset()  # skill ids
    interests: frozenset[int] = frozenset()
    bio: str = ""


@dataclass(frozen=True, slots=True)
class Viewer:
    member_id: int
    venues: frozenset[int]


@dataclass(frozen=True, slots=True)
class Hit:
    member_id: int
    score: float
    tier: int
    skill_ids: tuple[int, ...]  # the query's skills this member offers (tier 1) or is interested in


@dataclass
class Ranking:
    """The ordered result of one search; pages are cut lazily."""

    groups: list[tuple[int, float, set[int]]]  # (tier, score, members), best first
    skill_order: dict[int, int]  # query skill id -> rank, to list a hit's skills best first
    profiles: dict[int, Profile]
    _sorted: dict[int, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(members) for _, _, members in self.groups)

    def pages(self, size: int) -> int:
        return max(1, -(-self.total // size))

    def page(self, number: int, size: int) -> list[Hit]:
        """Hits of page `number` (0-based); empty past the end."""
        start, end = number * size, (number + 1) * size
        hits: list[Hit] = []
        position = 0
        for n, (tier, score, members) in enumerate(self.groups):
            if position + len(members) <= start:
                position += len(members)
                continue
            ordered = self._sorted.get(n)
            if ordered is None:
                ordered = self._sorted[n] = sorted(members)
            for member_id in ordered[max(start - position, 0):end - position]:
                hits.append(Hit(member_id, score, tier, self._skills_of(member_id, tier)))
            position += len(members)
            if position >= end:
                break
        return hits

    def _skills_of(self, member_id: int, tier: int) -> tuple[int, ...]:
        profile = self.profiles.get(member_id)
        if profile is None:
            return ()
        held = profile.offers if tier == OFFER_TIER else profile.interests
        return tuple(sorted((s for s in held if s in self.skill_order), key=self.skill_order.__getitem__))


class DirectoryIndex:
    def __init__(self) -> None:
        self.profiles: dict[int, Profile] = {}
        self._offers: dict[int, set[int]] = {}
        self._interests: dict[int, set[int]] = {}
        self._network: set[int] = set()
        self._by_venue: dict[int, set[int]] = {}  # venue -> members visible to that venue's members
        self.text = TextIndex()

    def __len__(self) -> int:
        return len(self.profiles)

    # -- keeping it current ------------------------------------------------------------------
    def put(self, profile: Profile) -> None:
        """Add or replace a member; a profile that is not listed is removed instead."""
        self.remove(profile.member_id)
        if profile.visibility not in LISTED:
            return
        member_id = profile.member_id
        self.profiles[member_id] = profile
        for skill_id in profile.offers:
            self._offers.setdefault(skill_id, set()).add(member_id)
        for skill_id in profile.interests:
            self._interests.setdefault(skill_id, set()).add(member_id)
        if profile.visibility == NETWORK:
            self._network.add(member_id)
        else:
            for venue_id in profile.venues:
                self._by_venue.setdefault(venue_id, set()).add(member_id)
        if profile.bio:
            self.text.add(member_id, profile.bio)

    def remove(self, member_id: int) -> None:
        profile = self.profiles.pop(member_id, None)
        if profile is None:
            return
        for table, skill_ids in ((self._offers, profile.offers), (self._interests, profile.interests)):
            for skill_id in skill_ids:
                holders = table[skill_id]
                holders.discard(member_id)
                if not holders:
                    del table[skill_id]
        self._network.discard(member_id)
        for venue_id in profile.venues:
            members = self._by_venue.get(venue_id)
            if members is not None:
                members.discard(member_id)
        self.text.remove(member_id)

    # -- searching ---------------------------------------------------------------------------
    def keep_for(self, viewer: Viewer) -> Callable[[set[int]], set[int]]:
        """A filter returning the members of a set that `viewer` may see (never themselves)."""
        network = self._network
        by_venue = [self._by_venue[v] for v in viewer.venues if v in self._by_venue]
        venue_visible = set().union(*by_venue) if by_venue else set()
        me = viewer.member_id

        def keep(members: set[int]) -> set[int]:
            kept = members & network
            if venue_visible:
                kept |= members & venue_visible
            kept.discard(me)
            return kept

        return keep

    def search(self, skills: Sequence[tuple[int, float]], words: Sequence[str], viewer: Viewer) -> Ranking:
        """Rank the members `viewer` may see for these skills (id, score 0-100) and bio words."""
        skills = sorted(_best_per_skill(skills).items(), key=lambda item: -item[1])
        keep = self.keep_for(viewer)
        groups: list[tuple[int, float, set[int]]] = []
        seen: set[int] = set()
        for skill_id, score in skills:  # best score first: a member lands in their best group
            holders = self._offers.get(skill_id)
            if not holders:
                continue
            new = keep(holders) - seen
            if not new:
                continue
            seen |= new
            if groups and groups[-1][1] == score:
                groups[-1][2].update(new)
            else:
                groups.append((OFFER_TIER, score, new))
        # Second tier: interests (by the skill's score) and bios (by the words' scores), each member
        # in the best group they reach; set algebra again, whatever the number of matches.
        second: list[tuple[float, set[int]]] = []
        for skill_id, score in skills:
            holders = self._interests.get(skill_id)
            if holders:
                second.append((score * INTEREST_WEIGHT, keep(holders)))
        for score, members in self.text.search(words, keep=keep):
            if score >= BIO_FLOOR:
                second.append((round(score * BIO_WEIGHT, 1), members))
        second.sort(key=lambda group: -group[0])
        for score, members in second:
            new = members - seen
            if not new:
                continue
            seen |= new
            if groups and groups[-1][0] == SECOND_TIER and groups[-1][1] == score:
                groups[-1][2].update(new)
            else:
                groups.append((SECOND_TIER, score, new))
        return Ranking(groups, {skill_id: n for n, (skill_id, _) in enumerate(skills)}, self.profiles)


def _best_per_skill(skills: Sequence[tuple[int, float]]) -> dict[int, float]:
    best: dict[int, float] = {}
    for skill_id, score in skills:
        best[skill_id] = max(best.get(skill_id, 0.0), score)
    return best
