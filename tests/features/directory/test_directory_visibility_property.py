"""Private profiles are never shown, whatever the mix of visibilities, venues and searchers.

Property-style, with seeded random networks: the pure index against the rule in `can_see`, many
times; then the whole /find command, every page of it, against the same rule read from the database.
"""

from __future__ import annotations

import random

import pytest

from bot.directory.index import DirectoryIndex, Profile, Viewer
from bot.directory.visibility import can_see
from bot.types import Button

VISIBILITIES = ("private", "venue", "network")
SKILLS = (1, 2, 3)


def _random_profiles(rng: random.Random, count: int, venues: int) -> list[Profile]:
    return [Profile(member_id, rng.choice(VISIBILITIES), frozenset(rng.sample(range(venues), rng.randint(0, min(2, venues)))),
                    frozenset(rng.sample(SKILLS, rng.randint(0, 2))), frozenset(rng.sample(SKILLS, rng.randint(0, 1))),
                    rng.choice(["", "atelier bois et soudure", "comptabilité", "soudure"]))
            for member_id in range(count)]


@pytest.mark.parametrize("seed", range(60))
def test_the_index_lists_exactly_whom_the_rule_allows(seed):
    rng = random.Random(seed)
    profiles = _random_profiles(rng, rng.randint(1, 40), rng.randint(1, 5))
    index = DirectoryIndex()
    for profile in profiles:
        index.put(profile)
    final = {p.member_id: p for p in profiles}
    for profile in rng.sample(profiles, min(5, len(profiles))):  # some change their mind
        final[profile.member_id] = Profile(profile.member_id, rng.choice(VISIBILITIES), profile.venues,
                                           profile.offers, profile.interests, profile.bio)
        index.put(final[profile.member_id])
    private = {member_id for member_id, p in final.items() if p.visibility == "private"}
    for _ in range(5):
        viewer = Viewer(rng.randrange(60), frozenset(rng.sample(range(5), rng.randint(0, 2))))
        ranking = index.search([(s, 90.0) for s in SKILLS], ["soudure"], viewer)
        found = {hit.member_id for page in range(ranking.pages(7)) for hit in ranking.page(page, 7)}
        assert len(found) == ranking.total
        assert not found & private
        for member_id in found:
            p = index.profiles[member_id]
            assert can_see(viewer.member_id, viewer.venues, member_id, p.visibility, p.venues)
        expected = {m for m, p in final.items() if (p.offers or p.interests or "soudure" in p.bio)
                    and can_see(viewer.member_id, viewer.venues, m, p.visibility, p.venues)}
        assert found == expected


async def _all_names(user) -> set[str]:
    """Every name listed by /find, following the pages."""
    names: set[str] = set()
    await user.send("/find woodworking")
    while True:
        names |= {line.split(". ", 1)[1].split(" — ")[0] for line in user.text.splitlines()
                  if " — " in line and line[:1].isdigit()}
        try:
            button = user.find_button("Next")
        except LookupError:
            return names
        await user.press(button)


@pytest.mark.parametrize("seed", range(4))
async def test_find_never_shows_a_private_profile(app, memory, people, seed):
    rng = random.Random(seed)
    slugs = ["hangar", "fabrique", "moulin", "universite"]
    members = {}
    for n in range(14):
        home = rng.choice(slugs + [None])
        attends = [s for s in rng.sample(slugs, rng.randint(0, 2)) if s != home]
        visibility = rng.choice(VISIBILITIES)
        name = f"M{n}"
        await people.add(name, venue=home, attends=attends, visibility=visibility, offers=["woodworking"])
        members[name] = (visibility, {home, *attends} - {None})
    for n in range(3):
        home = rng.choice(slugs)
        attends = [s for s in rng.sample(slugs, rng.randint(0, 1)) if s != home]
        await people.add(f"S{n}", venue=home, attends=attends, user_id=f"s{n}", locale="en")
        venues = {home, *attends}
        listed = await _all_names(memory.user(f"s{n}", language="en"))
        expected = {name for name, (visibility, theirs) in members.items()
                    if visibility == "network" or (visibility == "venue" and venues & theirs)}
        assert listed == expected
        assert not {name for name in listed if members[name][0] == "private"}


async def test_a_forged_page_payload_cannot_widen_what_is_seen(app, memory, people):
    await people.add("Secret", visibility="private", offers=["woodworking"])
    await people.add("Me", user_id="1")
    user = memory.user("1")
    for payload in ("0:woodworking", "0:secret", "0:bois"):
        await user.press(Button("forged", "dir", payload))
        assert "Secret" not in user.text
