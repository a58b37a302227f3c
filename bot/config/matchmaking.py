"""Configuration of matchmaking rounds: when they run, how long people have to answer, how pairs score.

`[matchmaking]` sets the schedule (a cron expression in the network time zone, on every N-th
matching week; animators can override both with `/matchmaking schedule`), the answer window, the
follow-up delay and groups of three. `[matchmaking.weights]` maps one to one onto
`bot.matchmaking.engine.Weights` (read its docstrings for what each term does); `weights()` builds it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.matchmaking.engine import Weights

CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}


SAME_WEEK_HORIZON = timedelta(weeks=8)
MAX_FIRES_CHECKED = 200  # a cron firing every minute shows a repeat long before this


def cron_week_repeat(expression: str, timezone: str = "UTC",
                     start: datetime | None = None) -> tuple[datetime, datetime] | None:
    """Two fire times of a valid cron expression, within 8 weeks of `start`, in the same ISO week.

    A round is named by the ISO week it fires in (one round per week at most), so a cron firing on
    Monday and Thursday would silently run only on Monday: such expressions are refused up front.
    Returns None when every fire time in the horizon falls in its own week.
    """
    from apscheduler.triggers.cron import CronTrigger

    zone = ZoneInfo(timezone)
    trigger = CronTrigger.from_crontab(expression, timezone=zone)
    start = start or datetime.now(zone)  # only a horizon to look over: cron patterns repeat
    end = start + SAME_WEEK_HORIZON
    previous: datetime | None = None
    at = trigger.get_next_fire_time(None, start)
    for _ in range(MAX_FIRES_CHECKED):
        if at is None or at > end:
            return None
        if previous is not None and previous.astimezone(zone).isocalendar()[:2] == at.astimezone(zone).isocalendar()[:2]:
            return previous, at
        previous = at
        at = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
    return None


def cron_problem(expression: str, timezone: str = "UTC", start: datetime | None = None) -> str | None:
    """Why a five-field cron expression cannot be used, or None (checked with APScheduler itself)."""
    from apscheduler.triggers.cron import CronTrigger

    if len(expression.split()) != 5:
        return f'"{expression}" is not a cron expression of 5 fields (minute hour day month weekday)'
    try:
        CronTrigger.from_crontab(expression, timezone=timezone)
    except ValueError as error:
        return f'"{expression}": {error}'
    repeat = cron_week_repeat(expression, timezone, start)
    if repeat is not None:
        first, second = (at.strftime("%a %d/%m %H:%M") for at in repeat)
        return (f'"{expression}" fires more than once in the same week ({first} and {second}), but a round is '
                f'named by its week, so only the first would run: keep one fire per week, e.g. "0 10 * * mon"')
    return None


@dataclass(frozen=True)
class MatchWeightsConfig:
    """`[matchmaking.weights]`: the scoring of a pair. Defaults are `bot.matchmaking.engine.Weights`'s."""

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
    exact_max_candidates: int = 3000

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
        from bot.matchmaking.engine import Weights  # numpy and the solver load only where rounds are planned

        values = dataclasses.asdict(self.weights)
        return Weights(**values, min_score=self.min_score, repeat_window_rounds=self.repeat_window)
