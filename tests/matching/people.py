"""A terse candidate builder for the matching tests."""

from __future__ import annotations

import random

from bot.matchmaking.engine import Candidate, VenuePreference


def person(member_id: int, venue: int | None = 1, *, offers=(), needs=(), interests=(), langs=("fr",),
           pref: VenuePreference = VenuePreference.OTHER_VENUES_PREFERRED, never=(), priority=False,
           coords: tuple[float, float] | None = None) -> Candidate:
    return Candidate(
        member_id=member_id, name=f"m{member_id}", venue_id=venue,
        venue_slug=None if venue is None else f"v{venue}", coordinates=coords,
        offers=frozenset(offers), needs=frozenset(needs), interests=frozenset(interests),
        languages=frozenset(langs), preference=pref, never_with=frozenset(never), priority=priority,
    )


def random_people(n: int, seed: int = 0, venues: int = 6, skills: int = 25, never_rate: float = 0.0,
                  first_id: int = 1) -> list[Candidate]:
    """A small random network: a few venues with coordinates, fr/en speakers, random skills."""
    rng = random.Random(seed)
    places = {v: (43.0 + rng.random(), 1.0 + rng.random() * 3) for v in range(1, venues + 1)}

    def some(k: int) -> set[int]:
        return {rng.randint(1, skills) for _ in range(rng.randint(0, k))}

    people = []
    for member_id in range(first_id, first_id + n):
        venue = rng.randint(1, venues)
        never = {rng.randint(first_id, first_id + n - 1)} - {member_id} if rng.random() < never_rate else set()
        people.append(person(
            member_id, venue, offers=some(3), needs=some(2), interests=some(3),
            langs=rng.choices([("fr",), ("fr", "en"), ("en",)], [80, 14, 6])[0],
            pref=rng.choices(list(VenuePreference), [65, 25, 10])[0], never=never, coords=places[venue],
        ))
    return people
