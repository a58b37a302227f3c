"""Finding a venue by what a newcomer types: its name or its town, typos forgiven (rapidfuzz).

On a network of hundreds of venues (the national open data has 1,500), paging through them all
alphabetically to find one's own is no way in: `/start hangar`, `/start nantes` or
`/start grand hanagr` lists the few that fit.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.skills.normalize import normalize
from storage.models import Venue

MAX_RESULTS = 8  # one page of the venue picker
FUZZY_CUTOFF = 70  # per word: "hanagr" finds "hangar", "fabrik" finds "fabrique"; a join code finds nothing
MIN_WORD = 3  # "le", "la", "de" say nothing about which venue


def _words(text: str) -> list[str]:
    return [word for word in normalize(text).replace("-", " ").split() if len(word) >= MIN_WORD]


def _score(query: list[str], words: list[str]) -> tuple[int, float]:
    """(how many query words are exact words of the venue, mean best similarity of the query words)."""
    if not words:
        return 0, 0.0
    exact = sum(1 for word in query if word in words)
    similarity = sum(max(fuzz.ratio(word, other) for other in words) for word in query) / len(query)
    return exact, similarity


def find_venues(venues: Sequence[Venue], text: str) -> list[Venue]:
    """The venues whose name or town matches `text`, best first (at most MAX_RESULTS).

    Venues matching every typed word exactly come first and alone ("nantes" lists the venues of
    Nantes, not of Mantes); only when none does are near spellings accepted.
    """
    query = _words(text)
    if not query:
        return []
    scored = [(venue, *_score(query, _words(f"{venue.name} {venue.city or ''}"))) for venue in venues]
    exact = [(venue, similarity) for venue, hits, similarity in scored if hits == len(query)]
    if exact:
        chosen = exact
    else:
        chosen = [(venue, similarity) for venue, _, similarity in scored if similarity >= FUZZY_CUTOFF]
    chosen.sort(key=lambda pair: (-pair[1], normalize(pair[0].name)))
    return [venue for venue, _ in chosen[:MAX_RESULTS]]
