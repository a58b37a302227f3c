"""A synthetic network of tiers-lieux for benchmarks and tests: venues, skills and members.

30 venues across Occitanie (coordinates for most, none for a few), venue sizes from a long tail,
skills in five domains whose popularity follows a power law, members whose offers lean to their
venue's kind (a fablab has makers, a coworking has freelancers) and whose needs lean to business and
digital skills. Languages: mostly French, some bilingual, a few English only. Everything is drawn
from one seeded generator, so a network is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.matchmaking.engine.model import Candidate, VenuePreference

DOMAINS: dict[str, list[str]] = {
    "making": [
        "3d_printing", "laser_cutting", "woodworking", "electronics", "arduino", "sewing", "welding",
        "cnc_milling", "ceramics", "repair", "bike_repair", "upcycling", "screen_printing", "furniture",
    ],
    "digital": [
        "web_development", "python", "javascript", "data_analysis", "ux_design", "graphic_design",
        "video_editing", "photography", "seo", "social_media", "cybersecurity", "wordpress",
        "no_code", "open_source", "mobile_apps", "ai_tools",
    ],
    "business": [
        "accounting", "legal_status", "grant_writing", "fundraising", "marketing", "sales",
        "project_management", "business_plan", "public_procurement", "copywriting", "pricing",
        "hr_recruiting", "cooperative_governance", "export",
    ],
    "community": [
        "event_organisation", "facilitation", "public_speaking", "mediation", "teaching",
        "translation", "english_conversation", "volunteering", "local_politics", "podcasting",
    ],
    "living": [
        "permaculture", "gardening", "cooking", "beekeeping", "eco_construction", "renewable_energy",
        "composting", "yoga", "music", "theatre", "childcare", "circular_economy",
    ],
}

# Skill id -> label, ids 1..N in domain order (like the Skill table's ids).
SKILLS: dict[int, str] = {k + 1: label for k, label in enumerate(s for d in DOMAINS.values() for s in d)}
_DOMAIN_OF = {label: domain for domain, labels in DOMAINS.items() for label in labels}
_ID = {label: skill_id for skill_id, label in SKILLS.items()}

# Which domains a venue kind's members lean to, for offers and interests.
KIND_DOMAINS = {
    "fablab": {"making": 5, "digital": 2, "business": 1, "community": 1, "living": 2},
    "coworking": {"making": 1, "digital": 4, "business": 4, "community": 2, "living": 1},
    "tiers-lieu": {"making": 2, "digital": 2, "business": 2, "community": 3, "living": 3},
    "partner": {"making": 1, "digital": 3, "business": 3, "community": 3, "living": 1},
}
NEED_DOMAINS = {"making": 2, "digital": 4, "business": 5, "community": 2, "living": 1}

TOWNS = [
    ("toulouse", 43.6045, 1.4440), ("montpellier", 43.6108, 3.8767), ("nimes", 43.8367, 4.3601),
    ("perpignan", 42.6887, 2.8948), ("beziers", 43.3442, 3.2158), ("albi", 43.9289, 2.1464),
    ("carcassonne", 43.2130, 2.3491), ("tarbes", 43.2328, 0.0781), ("rodez", 44.3506, 2.5750),
    ("cahors", 44.4475, 1.4419), ("auch", 43.6465, 0.5855), ("foix", 42.9653, 1.6071),
    ("mende", 44.5181, 3.5006), ("castres", 43.6060, 2.2400), ("sete", 43.4028, 3.6934),
    ("narbonne", 43.1843, 3.0042), ("millau", 44.0980, 3.0780), ("figeac", 44.6086, 2.0317),
    ("ales", 44.1250, 4.0817), ("montauban", 44.0176, 1.3550),
]
KINDS = ["coworking", "fablab", "tiers-lieu", "partner"]


@dataclass(frozen=True)
class Venue:
    id: int
    slug: str
    kind: str
    coordinates: tuple[float, float] | None


@dataclass(frozen=True)
class Network:
    venues: list[Venue]
    members: list[Candidate]

    def venue_of(self) -> dict[int, int | None]:
        return {m.member_id: m.venue_id for m in self.members}


def _popularity(rng: random.Random) -> dict[str, float]:
    """Power-law popularity of the skills inside each domain."""
    weights: dict[str, float] = {}
    for labels in DOMAINS.values():
        shuffled = labels[:]
        rng.shuffle(shuffled)
        for rank, label in enumerate(shuffled, start=1):
            weights[label] = 1.0 / rank**0.9
    return weights


def _draw(rng: random.Random, count: int, domain_weights: dict[str, int], pop: dict[str, float]) -> frozenset[int]:
    labels = list(SKILLS.values())
    weights = [domain_weights[_DOMAIN_OF[label]] * pop[label] for label in labels]
    chosen: set[int] = set()
    while len(chosen) < count:
        chosen.add(_ID[rng.choices(labels, weights)[0]])
    return frozenset(chosen)


def make_venues(rng: random.Random, count: int = 30) -> list[Venue]:
    venues = []
    for k in range(count):
        town, lat, lon = TOWNS[k % len(TOWNS)]
        kind = KINDS[k % len(KINDS)] if k < 8 else rng.choice(KINDS)
        # A couple of venues have no coordinates; the others sit within ~10 km of their town.
        coords = None if k % 13 == 12 else (lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.1, 0.1))
        venues.append(Venue(k + 1, f"{kind.replace('-', '')}-{town}-{k + 1}", kind, coords))
    return venues


def synthetic_network(members: int, venues: int = 30, seed: int = 0, never_with_rate: float = 0.01) -> Network:
    """A network of `members` candidates over `venues` venues, reproducible from `seed`."""
    rng = random.Random(seed)
    places = make_venues(rng, venues)
    sizes = [1.0 / (k + 1) ** 0.7 for k in range(len(places))]  # a few big venues, a long tail
    pop = _popularity(rng)
    people: list[Candidate] = []
    for member_id in range(1, members + 1):
        venue = rng.choices(places, sizes)[0]
        lean = KIND_DOMAINS[venue.kind]
        languages = rng.choices([{"fr"}, {"fr", "en"}, {"en"}], [82, 12, 6])[0]
        preference = rng.choices(list(VenuePreference), [65, 25, 10])[0]
        never = frozenset({rng.randint(1, members)}) - {member_id} if rng.random() < never_with_rate else frozenset()
        people.append(Candidate(
            member_id=member_id,
            name=f"member-{member_id}",
            venue_id=venue.id,
            venue_slug=venue.slug,
            coordinates=venue.coordinates,
            offers=_draw(rng, rng.randint(1, 4), lean, pop),
            needs=_draw(rng, rng.randint(0, 3), NEED_DOMAINS, pop),
            interests=_draw(rng, rng.randint(1, 4), lean, pop),
            languages=frozenset(languages),
            preference=preference,
            never_with=never,
        ))
    return Network(places, people)
