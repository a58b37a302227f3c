"""The [partners] section of the configuration: partner kinds and the rules of opportunities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.config.sections import VenueConfig

# "e2c" is an école de la seconde chance; "public body" keeps the spelling venues already use.
DEFAULT_PARTNER_KINDS = ("university", "company", "school", "e2c", "association", "public body", "other")
KIND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_ ")


@dataclass(frozen=True)
class PartnersConfig:
    """[partners]: which kinds of partner organisations the territory has, and how opportunities run."""

    kinds: tuple[str, ...] = DEFAULT_PARTNER_KINDS  # venues' partner_kind must be one of these
    max_open_days: int = 120  # an opportunity closes at most this long after it is posted
    max_proposals: int = 40  # members proposed one opportunity at most (best fits first)

    def problems(self) -> list[str]:
        found = []
        if not self.kinds:
            found.append("kinds: give at least one kind")
        for i, kind in enumerate(self.kinds):
            if not kind or len(kind) > 20 or not set(kind) <= KIND_CHARS:
                found.append(f'kinds[{i}]: "{kind}" must be 1 to 20 lowercase letters, digits, dashes or spaces')
        if len(set(self.kinds)) != len(self.kinds):
            found.append("kinds: each kind once")
        if not 1 <= self.max_open_days <= 366:
            found.append("max_open_days: must be between 1 and 366")
        if not 1 <= self.max_proposals <= 1000:
            found.append("max_proposals: must be between 1 and 1000")
        return found

    def venue_problems(self, venues: Sequence[VenueConfig]) -> list[str]:
        """Each partner venue's `partner_kind` checked against `kinds` (called by `Config.problems`)."""
        found = []
        for i, venue in enumerate(venues):
            if venue.partner_kind is not None and venue.partner_kind not in self.kinds:
                found.append(f'venues[{i}].partner_kind: "{venue.partner_kind}" is not one of '
                             f'{", ".join(self.kinds)} (add it to [partners] kinds)')
        return found
