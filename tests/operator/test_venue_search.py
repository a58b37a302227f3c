"""Finding a venue by its name or town as a newcomer types them (bot/venues/search.py)."""

from __future__ import annotations

from storage.models import Venue
from bot.venues.search import find_venues

VENUES = [Venue(id=1, name="Le Grand Hangar", city="Nantes"), Venue(id=2, name="La Fabrique", city="Saint-Nazaire"),
          Venue(id=3, name="Le Moulin", city="Clisson"), Venue(id=4, name="Atelier Mantes", city="Mantes-la-Jolie"),
          Venue(id=5, name="Coworking Nantes Est", city="Nantes")]


def names(text: str) -> list[str]:
    return [venue.name for venue in find_venues(VENUES, text)]


def test_names_and_towns_with_typos():
    assert names("hangar") == ["Le Grand Hangar"]
    assert names("grand hanagr") == ["Le Grand Hangar"]
    assert names("fabrik") == ["La Fabrique"]
    assert names("clison") == ["Le Moulin"]
    assert names("st nazaire") == ["La Fabrique"]


def test_exact_words_win_over_near_spellings():
    assert set(names("nantes")) == {"Le Grand Hangar", "Coworking Nantes Est"}  # not Mantes


def test_codes_and_noise_find_nothing():
    assert names("Xy7kP2mQ9aBcZZ") == [] and names("le") == [] and names("") == []
