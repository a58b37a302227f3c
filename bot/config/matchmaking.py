"""Configuration of matchmaking rounds: when they run and how pairs are scored."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchmakingConfig:
    cron: str = "0 10 * * mon"  # in the network time zone; see `every_weeks`
    every_weeks: int = 2  # run on every N-th matching week
    answer_hours: int = 72  # silence for this long counts as "not this time"
    follow_up_days: int = 7
    allow_triples: bool = False
