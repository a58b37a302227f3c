"""When a campaign goes, as the animator says it: "maintenant", "jeudi 9h", "tomorrow 10am", ISO,
"chaque lundi 10h" / "every monday 10am" / "cron 0 10 * * mon" (recurring, as for rounds), each
optionally spread: "jeudi 9h sur 3h", "now over 2h" (Telegram asks to spread mass sends)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.matchmaking.schedule_words import parse_schedule
from bot.timeparse.duration import parse_duration
from bot.timeparse.errors import WhenError
from bot.timeparse.parser import parse_when

NOW_WORDS = {"maintenant", "now", "tout de suite", "right now", "immediately", "immediatement", "go"}
SPREAD_RE = re.compile(r"\s+(?:sur|over|en|across|etale sur|étalé sur|spread over)\s+(.+)$", re.IGNORECASE)
CRON_RE = re.compile(r"^cron\s*:?\s*(.+)$", re.IGNORECASE)
RECURRING_WORDS = ("chaque", "tous les", "toutes les", "every", "each")


@dataclass(frozen=True)
class When:
    at: datetime  # the first sending (UTC)
    spread: timedelta = timedelta()
    recurring: str | None = None  # cron, network time zone


class ScheduleError(ValueError):
    """Not a schedule: `key` names the explanation (campaigns.schedule.*)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def next_fire(cron: str, timezone: str, after: datetime) -> datetime | None:
    from bot.cron import cron_trigger  # once per wall-clock time across daylight-saving changes

    trigger = cron_trigger(cron, ZoneInfo(timezone))
    fire = trigger.get_next_fire_time(None, after + timedelta(seconds=1))
    return fire.astimezone(after.tzinfo) if fire is not None else None


def parse_schedule_text(text: str, *, now: datetime, timezone: str, locale: str,
                        max_spread: timedelta) -> When:
    text = " ".join(text.strip().split())
    spread = timedelta()
    match = SPREAD_RE.search(text)
    if match:
        try:
            spread = parse_duration(match.group(1))
        except WhenError as error:
            raise ScheduleError("campaigns.schedule.bad_spread") from error
        if spread > max_spread:
            raise ScheduleError("campaigns.schedule.spread_too_long")
        text = text[:match.start()].strip()
    lowered = text.lower()
    if lowered in NOW_WORDS:
        return When(now, spread)
    cron = CRON_RE.match(text)
    if cron or lowered.startswith(RECURRING_WORDS):
        if cron:
            expression = cron.group(1).strip()
        else:
            parsed = parse_schedule(text)
            if parsed is None or parsed[1] != 1:
                raise ScheduleError("campaigns.schedule.bad_recurring")
            expression = parsed[0]
        if len(expression.split()) != 5:
            raise ScheduleError("campaigns.schedule.bad_recurring")
        try:
            first = next_fire(expression, timezone, now)
        except ValueError as error:
            raise ScheduleError("campaigns.schedule.bad_recurring") from error
        if first is None:
            raise ScheduleError("campaigns.schedule.bad_recurring")
        return When(first, spread, expression)
    try:
        parsed_when = parse_when(text, now=now, tz=ZoneInfo(timezone), locale=locale)
    except WhenError as error:
        raise ScheduleError("campaigns.schedule.past" if error.reason == "past" else "campaigns.schedule.unknown") \
            from error
    if not parsed_when.has_time:
        raise ScheduleError("campaigns.schedule.no_time")
    return When(parsed_when.at.astimezone(now.tzinfo), spread)
