"""Is this the same event? Pure scoring of two events' titles, days and places.

The rule (issue 4): same local day, similar title (rapidfuzz token_set_ratio), and an overlapping
venue or place. Places are compared through *place keys*, so candidates can be found with set
lookups instead of comparing every pair of the day (100 feeds x 1000 occurrences would be ~10^8
fuzzy comparisons):
- `v<id>` for each hosting venue, and for each known venue whose name appears in the location text;
- `l<normalised location>` for the location text itself.
Two events overlap in place when their key sets intersect.

Verdicts: SAME (merge silently), BORDERLINE (ask a host once), or None (different events).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

SAME_TITLE = 90  # token_set_ratio at or above: the same title
BORDERLINE_TITLE = 70  # between this and SAME_TITLE: ask a host
SAME_START = timedelta(hours=2)  # starts further apart than this on the same day: ask, never merge silently
_NUMBER = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class Verdict(str, Enum):
    SAME = "same"
    BORDERLINE = "borderline"


@dataclass(frozen=True, slots=True)
class Candidate:
    """What matching needs to know about one event (from the database or a feed)."""

    key: int | str  # event id, or an occurrence's position in a batch
    title: str
    start: datetime
    timezone: str
    places: frozenset[str]
    source_id: int | None = None  # the feed owning the event (None: posted by command)

    @property
    def day(self) -> str:
        return local_day(self.start, self.timezone)


@dataclass(frozen=True, slots=True)
class Match:
    verdict: Verdict
    score: int
    reason: str


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lowercase ASCII words separated by single spaces: accents, punctuation and case ignored.

    Cached: a sync compares each title with several candidates and recurring events repeat theirs.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.split(ascii_text)).strip()


@lru_cache(maxsize=4096)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(start: datetime, zone: str) -> str:
    try:
        return start.astimezone(_zone(zone)).date().isoformat()
    except (KeyError, ValueError):
        return start.date().isoformat()


def place_keys(venue_ids: Iterable[int], location: str, venue_names: dict[int, str]) -> frozenset[str]:
    """The place keys of an event (see the module docstring).

    `venue_names` maps venue id to its *normalised* name; names shorter than 4 characters are
    ignored, as they would match inside unrelated words.
    """
    keys = {f"v{venue_id}" for venue_id in venue_ids}
    where = normalise(location)
    if where:
        keys.add(f"l{where}")
        padded = f" {where} "
        keys.update(f"v{venue_id}" for venue_id, name in venue_names.items()
                    if len(name) >= 4 and f" {name} " in padded)
    return frozenset(keys)


def compare(new: Candidate, old: Candidate) -> Match | None:
    """The verdict for two events, or None when they are different events."""
    if new.day != old.day or not (new.places & old.places):
        return None
    new_title, old_title = normalise(new.title), normalise(old.title)
    # "Atelier 3" and "Atelier 4" are a series, not one event: different numbers veto the match.
    new_numbers, old_numbers = set(_NUMBER.findall(new_title)), set(_NUMBER.findall(old_title))
    if new_numbers and old_numbers and new_numbers != old_numbers:
        return None
    score = int(round(fuzz.token_set_ratio(new_title, old_title)))
    if score < BORDERLINE_TITLE:
        return None
    close = abs(new.start - old.start) <= SAME_START
    if score >= SAME_TITLE and close:
        return Match(Verdict.SAME, score, "same day, same title, same place")
    reason = "similar title" if score < SAME_TITLE else "same title, different time"
    return Match(Verdict.BORDERLINE, score, reason)


def best_match(new: Candidate, pool: Iterable[Candidate]) -> tuple[Candidate, Match] | None:
    """The strongest match of `new` among `pool`: SAME before BORDERLINE, then by score."""
    best: tuple[Candidate, Match] | None = None
    for old in pool:
        found = compare(new, old)
        if found is None:
            continue
        rank = (found.verdict is Verdict.SAME, found.score)
        if best is None or rank > (best[1].verdict is Verdict.SAME, best[1].score):
            best = (old, found)
    return best


class DayIndex:
    """Candidates indexed by (local day, place key): the events that could match a new one."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, str], list[Candidate]] = {}

    def add(self, candidate: Candidate) -> None:
        day = candidate.day
        for key in candidate.places:
            self._index.setdefault((day, key), []).append(candidate)

    def around(self, new: Candidate, *, exclude_source: int | None = None) -> list[Candidate]:
        """Candidates sharing `new`'s day and a place key, except those of `exclude_source`."""
        seen: dict[int | str, Candidate] = {}
        day = new.day
        for key in new.places:
            for candidate in self._index.get((day, key), ()):
                if exclude_source is None or candidate.source_id != exclude_source:
                    seen.setdefault(candidate.key, candidate)
        return list(seen.values())
