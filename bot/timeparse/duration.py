"""Parse how long an event lasts, typed in French or English: "1h30", "90 min", "2 heures",
"1 hour 30", "45m", "une demi-heure", "1.5h", "2 jours", "1:30".

A bare number ("90") is refused as ambiguous rather than guessed as minutes or hours. A number right
after hours is minutes ("1h30", "1 hour 30"). Durations must be longer than zero and at most
`MAX_DURATION`; outside that the reason is "impossible_date" (the chat layer shows an example).
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.timeparse.errors import WhenError
from bot.timeparse.lexicon import normalise

MAX_DURATION = timedelta(days=31)

_UNITS: dict[str, str] = {
    **dict.fromkeys(["j", "jour", "jours", "d", "day", "days"], "d"),
    **dict.fromkeys(["h", "hr", "hrs", "hour", "hours", "heure", "heures"], "h"),
    **dict.fromkeys(["m", "mn", "min", "mins", "minute", "minutes"], "m"),
}
_UNIT_LENGTH = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_FILLERS = {"et", "and", "pendant", "durant", "for", "during", "environ", "about"}

_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"\b(?:une?\s+)?demi[\s-]*heure\b|\bhalf\s+(?:an\s+)?hour\b", "30 min"),
        (r"(\d\s*(?:h|hours?|heures?))\s+(?:et|and)\s+(?:demie?|a\s+half)\b", r"\1 30 min"),
        (r"\b(?:une?|an|a|one)\s+(?=heure|hour|jour|day|minute)", "1 "),
    ]
]
_TOKEN_RE = re.compile(r"(?P<num>\d+(?:[.,]\d+)?)|(?P<word>[a-z]+)|(?P<other>[^\s])")
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")


def parse_duration(text: str) -> timedelta:
    """The duration in `text`, or `WhenError` ("unparsable", "ambiguous", "impossible_date")."""
    plain = normalise(text)
    for pattern, repl in _REWRITES:
        plain = pattern.sub(repl, plain)
    clock = _CLOCK_RE.fullmatch(plain)
    if clock:
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        if minutes >= 60:
            raise WhenError("impossible_date", "minutes_over_59")
        return _checked(timedelta(hours=hours, minutes=minutes))

    total = timedelta()
    seen: set[str] = set()
    pending: float | None = None  # a number waiting for its unit
    last_unit: str | None = None
    for m in _TOKEN_RE.finditer(plain):
        if m.group("num"):
            if pending is not None:
                raise WhenError("unparsable")
            pending = float(m.group("num").replace(",", "."))
        elif m.group("word") in _UNITS:
            unit = _UNITS[m.group("word")]
            if pending is None or unit in seen:
                raise WhenError("unparsable")
            total += pending * _UNIT_LENGTH[unit]
            seen.add(unit)
            pending, last_unit = None, unit
        elif m.group("word") in _FILLERS:
            continue
        elif m.group("other") in {",", "."}:
            continue
        else:
            raise WhenError("unparsable")
    if pending is not None:
        # "1h30", "1 hour 30": a trailing number after hours is minutes; alone it is ambiguous.
        if last_unit != "h" or "m" in seen:
            raise WhenError("ambiguous" if last_unit is None else "unparsable", "no_unit")
        if pending >= 60 or pending != int(pending):
            raise WhenError("impossible_date", "minutes_over_59")
        total += timedelta(minutes=pending)
    if not seen:
        raise WhenError("unparsable")
    return _checked(total)


def _checked(duration: timedelta) -> timedelta:
    if duration <= timedelta() or duration > MAX_DURATION:
        raise WhenError("impossible_date", "duration_out_of_range")
    return duration
