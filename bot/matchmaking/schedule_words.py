"""Schedules said in words: "tous les lundis 10h", "every monday 10am", "un lundi sur deux 10h".

`parse_schedule` maps such a phrase (French or English) to a cron expression and an every-N-weeks
rhythm, the two things `/matchmaking schedule` stores. It is strict on purpose: a word it does not
know makes the whole phrase unknown (None), rather than a schedule that silently ignores part of what
the animator said. Cron syntax stays accepted by the caller; this is only the friendlier door.
"""

from __future__ import annotations

import re
import unicodedata

from bot.payloads import parse_int

DAYS = {"mon": ("lundi", "lundis", "lun", "monday", "mondays", "mon"),
        "tue": ("mardi", "mardis", "mar", "tuesday", "tuesdays", "tue"),
        "wed": ("mercredi", "mercredis", "mer", "wednesday", "wednesdays", "wed"),
        "thu": ("jeudi", "jeudis", "jeu", "thursday", "thursdays", "thu"),
        "fri": ("vendredi", "vendredis", "ven", "friday", "fridays", "fri"),
        "sat": ("samedi", "samedis", "sam", "saturday", "saturdays", "sat"),
        "sun": ("dimanche", "dimanches", "dim", "sunday", "sundays", "sun")}
DAY_OF = {word: code for code, words in DAYS.items() for word in words}
NUMBERS = {"deux": 2, "two": 2, "other": 2, "second": 2, "trois": 3, "three": 3, "third": 3,
           "quatre": 4, "four": 4, "fourth": 4}
FILLERS = {"tous", "toutes", "les", "le", "la", "l", "chaque", "every", "each", "un", "une", "one", "a", "at",
           "on", "et", "and", "sur", "in", "semaine", "semaines", "week", "weeks", "de", "du", "des", "the"}
TIME = re.compile(r"^(\d{1,2})(?:h(\d{2})?|:(\d{2}))?(am|pm)?$")
DEFAULT_TIME = (10, 0)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("midi", "12h").replace("noon", "12h")
    text = re.sub(r"(\d{1,2})\s*(?:heures?\b|h\b)", r"\1h", text)
    text = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text)
    return re.sub(r"[,;'’]", " ", text)


def _time(token: str) -> tuple[int, int] | None:
    match = TIME.match(token)
    if not match or not (match.group(2) or match.group(3) or match.group(4) or "h" in token):
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or match.group(3) or 0)
    if match.group(4):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(4) == "pm" else 0)
    return (hour, minute) if hour < 24 and minute < 60 else None


def parse_schedule(text: str) -> tuple[str, int] | None:
    """(cron, every_weeks) for a phrase naming days, an optional time and an optional rhythm, or None."""
    days: list[str] = []
    at: tuple[int, int] | None = None
    every: int | None = None
    for token in _plain(text).split():
        if token in DAY_OF:
            if DAY_OF[token] not in days:
                days.append(DAY_OF[token])
        elif token in FILLERS:
            continue
        elif (moment := _time(token)) is not None:
            if at is not None:
                return None  # two times: not something one cron line with one rhythm can say
            at = moment
        elif token in NUMBERS or parse_int(token, 0) is not None:
            value = NUMBERS.get(token) or int(token)
            if every is not None and every != value:
                return None
            every = value
        else:
            return None
    if not days:
        return None
    hour, minute = at or DEFAULT_TIME
    return f"{minute} {hour} * * {','.join(days)}", every or 1
