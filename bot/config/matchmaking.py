"""Configuration of matchmaking rounds: when they run, how long people have to answer, how pairs score.

`[matchmaking]` sets the schedule (a cron expression in the network time zone, on every N-th
matching week; animators can override both with `/matchmaking schedule`), the answer window, the
follow-up delay and groups of three. `[matchmaking.weights]` maps one to one onto
`bot.matching.Weights` (read its docstrings for what each term does); `weights()` builds it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.matching import Weights

CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}


def cron_problem(expression: str, timezone: str = "UTC") -> str | None:
    """Why a five-field cron expression cannot be used, or None (checked with APScheduler itself)."""
    from apscheduler.triggers.cron import CronTrigger

    if len(expression.split()) != 5:
        return f'"{expression}" is not a cron expression of 5 fields (minute hour day month weekday)'
    try:
        CronTrigger.from_crontab(expression, timezone=timezone)
    except ValueError as error:
        return f'"{expression}": {error}'
    return None


@dataclass(frozen=True)
class MatchWeightsConfig:
    """`[matchmaking.weights]`: the scoring of a pair. Defaults are `bot.matching.Weights`'s."""

    need_offer: float = 10.0  # per direction where one needs what the other offers (the strongest term)
    need_offer_extra_skill: float = 2.0  # per further matching skill in that direction
    shared_interest: float = 3.0  # per shared interest
    max_counted_skills: int = 3  # cap on skills counted per term
    cross_venue: float = 2.0  # the two belong to different venues
    rare_venue_pair_bonus: float = 2.0  # divided by (1 + recent introductions between the two venues)
    distance: float = 1.0  # close venues, fading to 0 at distance_scale_km
    distance_scale_km: float = 50.0
    same_venue_penalty: float = 1.0  # same venue, unless both said it is fine
    priority_boost: float = 30.0  # solver bonus for members left out last round
    top_k: int = 12  # best partners per member kept in large rounds
    full_graph_max_candidates: int = 500
    exact_max_candidates: int = 4000

    def problems(self) -> list[str]:
        return [f"{name}: must be a finite number >= 0" for name in self.__dataclass_fields__
                if not getattr(self, name) >= 0] + [
            f"{name}: must be at least 1" for name in ("max_counted_skills", "top_k") if getattr(self, name) < 1
        ] + (["distance_scale_km: must be more than 0"] if not self.distance_scale_km > 0 else [])


@dataclass(frozen=True)
class MatchmakingConfig:
    cron: str = "0 10 * * mon"  # when rounds may run, in the network time zone; see `every_weeks`
    every_weeks: int = 2  # run on every N-th matching week (weeks counted from a fixed Monday)
    answer_hours: int = 72  # silence this long after delivery counts as "not this time"
    follow_up_days: int = 7  # the one "did you meet?" after a revealed introduction
    allow_triples: bool = False  # an odd member joins the best pair instead of waiting
    min_score: float = 4.5  # a member whose best partner scores under this is skipped this round
    repeat_window: int = 26  # rounds during which a pair is not introduced again (unless nothing else fits)
    venue_pair_horizon_rounds: int = 12  # recent rounds counted for the "rarely linked venues" bonus
    tick_minutes: int = 5  # how often expiries, follow-ups, pause ends and schedule changes are checked
    weights: MatchWeightsConfig = field(default_factory=MatchWeightsConfig)

    def problems(self) -> list[str]:
        found = []
        problem = cron_problem(self.cron)
        if problem:
            found.append(f"cron: {problem}")
        for name in ("every_weeks", "answer_hours", "follow_up_days", "repeat_window", "venue_pair_horizon_rounds",
                     "tick_minutes"):
            if getattr(self, name) < 1:
                found.append(f"{name}: must be at least 1")
        if not self.min_score >= 0:
            found.append("min_score: must be a number >= 0")
        return found

    def weights_for_engine(self) -> "Weights":
        """The engine's `Weights`: `[matchmaking.weights]` plus min_score and repeat_window."""
        from bot.matching import Weights  # numpy and the solver load only where rounds are planned

        values = dataclasses.asdict(self.weights)
        return Weights(**values, min_score=self.min_score, repeat_window_rounds=self.repeat_window)
