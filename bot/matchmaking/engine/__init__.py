"""Scoring and solving a matchmaking round: pure functions, no I/O.

Build `Candidate`s and a `History`, call `plan_round`, render the `RoundPlan` (see `round.py` for
how a round is decided and `model.Weights` for the scoring).
"""

from bot.matchmaking.engine.model import (
    Candidate,
    History,
    Introduction,
    Reason,
    RoundPlan,
    RoundStats,
    Unmatched,
    UnmatchedReason,
    VenuePreference,
    Weights,
    pair_key,
)
from bot.matchmaking.engine.round import plan_round

__all__ = [
    "Candidate",
    "History",
    "Introduction",
    "Reason",
    "RoundPlan",
    "RoundStats",
    "Unmatched",
    "UnmatchedReason",
    "VenuePreference",
    "Weights",
    "pair_key",
    "plan_round",
]
