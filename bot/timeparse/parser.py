"""Read event dates, ends and durations as hosts type them in French or English.

Public API:
    parse_when(text, *, now, tz, locale) -> ParsedWhen        # "jeudi 18h30", "tomorrow 6pm", ISO
    parse_end(text, start, tz, *, locale="fr") -> datetime    # "20h", "8pm", "demain 2h", ISO
    parse_end_or_duration(text, start, tz, *, locale="fr") -> datetime   # "1h30" or "20h"
    parse_duration(text) -> timedelta                          # "1h30", "90 min", "2 heures"
    WhenError(reason, detail)   reason in {"unparsable", "past", "ambiguous", "impossible_date"}

Why a hand-written grammar, and no dateparser fallback. dateparser 1.5, tried with the right
settings (PREFER_DATES_FROM=future, DATE_ORDER=DMY, RELATIVE_BASE, TIMEZONE, languages fr+en),
imports in ~0.06-0.1 s but spends ~120 ms on its first parse (loading language data) and ~1 ms per
parse after; on the 59 phrases of tests/test_timeparse.py it got 28 right, returned None for 13 and
was silently wrong on 18: it reads French "14h" as "14 hours" ("demain 14h" -> the day after at
00:00, "après-demain 10h" -> 20:00, "12/12 à 9h" -> today 19:00), puts "mercredi 9h" and
"aujourd'hui 17h" in the past, gives "3 déc. 18h" the year 2118, and it turns "31/02 10h" into
today 20:00 and accepts 02:30 inside a DST gap. A plausible wrong date in a preview is worse than a
refusal with an example, and a fallback would bring those guesses back for exactly the texts the
grammar refused. Hosts' phrases are a small closed language (a day, a time, a few relative words),
so a grammar of a few hundred lines reads all of them, refuses the rest with a reason, adds no
dependency (rapidfuzz is already one) and parses in ~25 us after a ~40 ms import.

Decisions (the tests pin each one):
- Day/month order: DD/MM in both languages; MM/DD only when the locale is en-US. When the preferred
  order gives an impossible date and the other does not ("12/25"), the other is used.
- A date without a year is its next occurrence, except that a date less than a month ago is "past"
  (typing "12/11" on 25 November is a mistake, not a plan for next year).
- A weekday alone is the next such day; the same weekday means today if the time is still ahead
  today, else next week ("jeudi 18h30" on Thursday 10:00 is today, at 19:00 next week; "jeudi"
  with no time on a Thursday is next week). "jeudi prochain" / "next thursday" is the Thursday of
  next week (Monday-based), as French usage contrasts it with "jeudi"/"ce jeudi": said on Wednesday
  25 it is 3 December, while "lundi prochain" is 30 November. A weekday that contradicts an explicit
  date ("lundi 8 décembre" when the 8th is a Tuesday) is "ambiguous".
- A time alone ("18h", "ce soir 19h") is today; if that time has passed it is "past".
- Clock: "h" times are 24-hour ("7h" is 07:00). "soir/evening/tonight/après-midi" move 1-11 to the
  afternoon. A bare hour from 1 to 7 ("à 7", "at 6"), and in English an unpadded "6:30", with no
  am/pm or part of the day, is "ambiguous" (detail "am_pm"); 8-12 are taken as written. "midi" and
  "noon" are 12:00; "minuit"/"midnight" is "ambiguous" (which day's midnight?).
- Times are wall-clock times in the venue's `tz`. A time skipped by a DST change (2027-03-28 02:30
  Europe/Paris) is "impossible_date" with detail "dst_gap" (a host can fix it; a silent shift would
  surprise). A repeated time (2026-10-25 02:30) is its first occurrence, as RFC 5545 does. A date
  alone whose midnight is skipped starts at the first valid instant of that day.
- ISO 8601 with an offset or "Z" is an exact instant, converted to `tz`.
- Typos: accents, case and curly apostrophes never matter; a small typo in a longer word is forgiven
  ("mercerdi", "tomorow", see `bot.timeparse.lexicon`); any other unknown word makes the text
  "unparsable" - we refuse rather than read around words we do not know.
- Not understood on purpose (refused as "unparsable"): "dans 3 jours"/"in 3 days", "la semaine
  prochaine", "hier", spelled-out numbers for times ("sept heures").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.timeparse.duration import parse_duration
from bot.timeparse.errors import REASONS, WhenError
from bot.timeparse.lexicon import Lang, Word, normalise
from bot.timeparse.tokens import Clock, Token, tokenise

__all__ = ["ParsedWhen", "REASONS", "WhenError", "parse_duration", "parse_end",
           "parse_end_or_duration", "parse_when"]

_RECENT_PAST = timedelta(days=31)  # a yearless date this recent is a mistake, not next year
_MAX_OVERNIGHT = timedelta(hours=12)  # an end clock before the start: next day, within this
_ISO_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_CLOCK_SHAPED_RE = re.compile(r"\d{1,2}\s*h(?:\d{2})?|\d{1,2}:\d{2}")  # "17h": an end, or 17 hours?
_DAY_WORDS = {"le", "the", "on"}  # "le 26", "the 26th": a number that is a day of the month


@dataclass(frozen=True)
class ParsedWhen:
    """A resolved start: `at` is aware, in the venue's timezone; midnight when `has_time` is False.

    Convert to UTC before storing or doing arithmetic: Python subtracts and compares two datetimes
    sharing one ZoneInfo by wall clock, which is wrong across a DST change.
    """

    at: datetime
    has_time: bool


@dataclass
class _Parts:
    """What the text said, slot by slot, before it is resolved against `now`."""

    rel: int | None = None  # day offset: today 0, demain 1, après-demain 2
    weekday: int | None = None
    next_: bool = False
    day: int | None = None
    month: int | None = None
    year: int | None = None
    numeric: tuple[int, int, int | None] | None = None  # "12/12[/2026]", order decided later
    clock: Clock | None = None
    period: str | None = None  # "am" / "pm" from matin / soir
    langs: set[str] = field(default_factory=set)

    def put(self, name: str, value: object) -> None:
        current = getattr(self, name)
        if current is not None and current != value:
            raise WhenError("ambiguous", f"two_{name}")
        setattr(self, name, value)


# --- public API ---------------------------------------------------------------------------------

def parse_when(text: str, *, now: datetime, tz: ZoneInfo, locale: str) -> ParsedWhen:
    """The event start `text` means, said at `now`, in the venue's timezone `tz`.

    `locale` ("fr", "en", "en-US", ...) sets the day/month order and, when the text has no word of
    either language, the clock conventions. Raises `WhenError`.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    plain = normalise(text)
    if not plain:
        raise WhenError("unparsable", "empty")
    if _ISO_RE.fullmatch(plain):
        parsed = _parse_iso(plain, tz)
    else:
        parts = _collect(tokenise(plain))
        parsed = _resolve(parts, now.astimezone(tz), tz, locale)
    _check_not_past(parsed, now.astimezone(tz))
    return parsed


def parse_end(text: str, start: datetime, tz: ZoneInfo, *, locale: str = "fr") -> datetime:
    """The end `text` means for an event starting at `start` ("20h", "8pm", "demain 2h", ISO).

    A clock time alone is on the start's day, or the next day when that stays within 12 hours
    ("22h" -> "2h" is an overnight event). Relative words resolve from the start. The end must be
    after the start ("past" otherwise) and must have a time ("ambiguous" for a date alone).
    """
    local_start = start.astimezone(tz)
    plain = normalise(text)
    if not plain:
        raise WhenError("unparsable", "empty")
    parts = None if _ISO_RE.fullmatch(plain) else _collect(tokenise(plain))
    if parts is not None and parts.clock is not None and not _has_date(parts):
        lang = _language(parts, locale)
        wall = datetime.combine(local_start.date(), _clock_time(parts.clock, parts.period, lang))
        end = _localise(wall, tz)
        if end <= local_start:
            end = _localise(wall + timedelta(days=1), tz)
            if end - local_start > _MAX_OVERNIGHT:
                raise WhenError("past", "end_before_start")
        return end
    try:
        parsed = parse_when(text, now=local_start, tz=tz, locale=locale)
    except WhenError as err:
        if err.reason == "past":
            raise WhenError("past", "end_before_start") from None
        raise
    if not parsed.has_time:
        raise WhenError("ambiguous", "end_needs_time")
    if parsed.at <= local_start:
        raise WhenError("past", "end_before_start")
    return parsed.at


def parse_end_or_duration(
    text: str, start: datetime, tz: ZoneInfo, *, locale: str = "fr"
) -> datetime:
    """The end of an event given either its end ("20h", "8pm") or its length ("1h30", "90 min").

    Compact clock shapes read both ways ("2h", "1h30", "1:30"): an end when it falls later on the
    start's own day, else a duration of up to 12 hours (start 18:00: "20h" ends at 20:00, "1h30"
    lasts 90 minutes, "17h" is "past", not 17 hours). Spelled-out lengths ("2 heures", "1 hour 30")
    are durations. A duration is elapsed time: two hours across a DST change are two real hours.
    """
    local_start = start.astimezone(tz)
    try:
        duration: timedelta | None = parse_duration(text)
    except WhenError:
        duration = None
    try:
        end: datetime | None = parse_end(text, start, tz, locale=locale)
        end_error: WhenError | None = None
    except WhenError as err:
        end, end_error = None, err
    if duration is not None and _CLOCK_SHAPED_RE.fullmatch(normalise(text)):
        if end is not None and end.date() == local_start.date():
            return end
        if duration > _MAX_OVERNIGHT:
            duration = None  # "17h" after 18:00 is a mistyped end, not a 17-hour event
    if duration is not None:
        return (local_start.astimezone(timezone.utc) + duration).astimezone(tz)
    if end is not None:
        return end
    assert end_error is not None
    raise end_error


# --- grammar ------------------------------------------------------------------------------------

def _collect(tokens: list[Token]) -> _Parts:
    """Fill the slots from the tokens; unknown words or numbers with no role make it unparsable."""
    parts = _Parts()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.lang:
            parts.langs.add(tok.lang)
        if tok.kind == "unknown":
            raise WhenError("unparsable", "unknown_word")
        elif tok.kind == "iso":
            y, m, d = tok.value  # type: ignore[misc]
            parts.put("year", y)
            parts.put("month", m)
            parts.put("day", d)
        elif tok.kind == "dmy":
            parts.put("numeric", tok.value)
        elif tok.kind == "time":
            parts.put("clock", tok.value)
        elif tok.kind == "word":
            i = _collect_word(parts, tok.value, tokens, i)  # type: ignore[arg-type]
        elif tok.kind == "num":
            n: int = tok.value  # type: ignore[assignment]
            if _is_word(nxt, "month") and n <= 31:
                parts.put("day", n)
                parts.put("month", nxt.value.value)  # type: ignore[union-attr]
                i += 1
            elif _is_word(prev, "at") and not tok.ordinal:
                parts.put("clock", Clock(n, 0, 0, "bare"))
            elif n >= 1000 and parts.month is not None and not tok.ordinal:
                parts.put("year", n)
            elif n <= 31 and (tok.ordinal or _is_word(prev, "weekday")
                              or _is_word(prev, "filler", *_DAY_WORDS)):
                parts.put("day", n)
            else:
                raise WhenError("unparsable", "stray_number")
        i += 1
    return parts


def _collect_word(parts: _Parts, word: Word, tokens: list[Token], i: int) -> int:
    """Fill the slot a word names; returns the index of the last token consumed."""
    if word.kind == "weekday":
        parts.put("weekday", word.value)
    elif word.kind == "month":
        parts.put("month", word.value)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.kind == "num" and nxt.value <= 31:  # type: ignore[operator]
            parts.put("day", nxt.value)  # "Dec 12", "December 3rd"
            return i + 1
    elif word.kind == "rel":
        parts.put("rel", word.value)
    elif word.kind == "period":
        parts.put("period", word.value)
    elif word.kind == "noon":
        parts.put("clock", Clock(12, 0, 0, "noon"))
    elif word.kind == "midnight":
        raise WhenError("ambiguous", "midnight")
    elif word.kind == "next":
        parts.next_ = True
    return i  # "at" and fillers carry no slot of their own


def _is_word(tok: Token | None, kind: str, *values: object) -> bool:
    """Whether `tok` is a known word of `kind` (and, if given, one of `values`)."""
    word = tok.value if tok is not None and tok.kind == "word" else None
    return (isinstance(word, Word) and word.kind == kind
            and (not values or word.value in values))


def _has_date(parts: _Parts) -> bool:
    return any(v is not None for v in (parts.rel, parts.weekday, parts.day, parts.month,
                                       parts.year, parts.numeric))


def _language(parts: _Parts, locale: str) -> Lang:
    if parts.langs == {"en"}:
        return "en"
    if "fr" in parts.langs:
        return "fr"
    return "en" if locale.lower().startswith("en") else "fr"


# --- resolution ---------------------------------------------------------------------------------

def _resolve(parts: _Parts, now: datetime, tz: ZoneInfo, locale: str) -> ParsedWhen:
    if parts.next_ and parts.weekday is None:
        raise WhenError("unparsable", "next_without_weekday")
    if not _has_date(parts) and parts.clock is None and parts.period is None:
        raise WhenError("unparsable", "no_date")
    lang = _language(parts, locale)
    clock = _clock_time(parts.clock, parts.period, lang) if parts.clock else None
    today = now.date()

    if parts.numeric is not None:
        if parts.day is not None or parts.month is not None:
            raise WhenError("ambiguous", "two_dates")
        day, month, year = _order_numeric(parts.numeric, locale)
        parts.day, parts.month, parts.year = day, month, year

    if parts.month is not None:
        if parts.day is None:
            raise WhenError("unparsable", "month_without_day")
        day_ = _explicit_date(parts.day, parts.month, parts.year, today)
    elif parts.day is not None:
        day_ = _next_day_of_month(parts.day, today)
    elif parts.rel is not None:
        day_ = today + timedelta(days=parts.rel)
    elif parts.weekday is not None:
        day_ = _next_weekday(parts.weekday, parts.next_, clock, now, tz)
    else:
        day_ = today  # a time or part of the day alone: today

    if parts.rel is not None and day_ != today + timedelta(days=parts.rel):
        raise WhenError("ambiguous", "two_dates")
    if parts.weekday is not None and day_.weekday() != parts.weekday:
        raise WhenError("ambiguous", "weekday_mismatch")

    if clock is None:
        return ParsedWhen(_start_of_day(day_, tz), has_time=False)
    return ParsedWhen(_localise(datetime.combine(day_, clock), tz), has_time=True)


def _clock_time(clock: Clock, period: str | None, lang: Lang) -> time:
    """The 24-hour time a written clock means, given a part of the day and the text's language."""
    hour, minute, second = clock.hour, clock.minute, clock.second
    if minute > 59 or second > 59:
        raise WhenError("impossible_date", "bad_time")
    if clock.style == "noon":
        return time(12, 0)
    if clock.style == "ampm":
        if not 1 <= hour <= 12:
            raise WhenError("impossible_date", "bad_time")
        if period is not None and period != clock.meridiem:
            raise WhenError("ambiguous", "am_pm")
        return time(hour % 12 + (12 if clock.meridiem == "pm" else 0), minute, second)
    if hour > 23:
        raise WhenError("impossible_date", "bad_time")
    if period == "pm":
        if hour == 0:
            raise WhenError("ambiguous", "am_pm")
        if hour < 12:
            hour += 12
    elif period == "am":
        if hour > 12:
            raise WhenError("ambiguous", "am_pm")
    elif 1 <= hour <= 7 and (clock.style == "bare"
                             or clock.style == "colon" and lang == "en" and not clock.zero_padded):
        raise WhenError("ambiguous", "am_pm")
    return time(hour, minute, second)


def _order_numeric(value: tuple[int, int, int | None], locale: str) -> tuple[int, int, int | None]:
    """(day, month, year) from "a/b[/y]": DD/MM unless en-US; the other order if only it exists."""
    a, b, year = value
    if year is not None and year < 100:
        year += 2000
    us = locale.lower().replace("_", "-") == "en-us"
    first = (b, a) if us else (a, b)
    for day, month in (first, first[::-1]):
        if _exists(day, month, year):
            return day, month, year
    raise WhenError("impossible_date", "no_such_day")


def _exists(day: int, month: int, year: int | None) -> bool:
    try:
        date(year if year is not None else 2000, month, day)  # 2000: a leap year, so 29/02 exists
    except ValueError:
        return False
    return True


def _explicit_date(day: int, month: int, year: int | None, today: date) -> date:
    if not _exists(day, month, year):
        raise WhenError("impossible_date", "no_such_day")
    if year is not None:
        return date(year, month, day)  # a past year is caught by the "past" check
    for y in range(today.year, today.year + 9):  # 29/02 may wait for a leap year
        if not _exists(day, month, y):
            continue
        candidate = date(y, month, day)
        if candidate >= today:
            return candidate
        if today - candidate <= _RECENT_PAST:
            raise WhenError("past", "recent_date")
    raise WhenError("impossible_date", "no_such_day")  # unreachable for valid dates


def _next_day_of_month(day: int, today: date) -> date:
    """"le 26", "jeudi 26": the next 26th on or after today."""
    year, month = today.year, today.month
    for _ in range(12):
        if _exists(day, month, year) and date(year, month, day) >= today:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise WhenError("impossible_date", "no_such_day")


def _next_weekday(
    weekday: int, next_: bool, clock: time | None, now: datetime, tz: ZoneInfo
) -> date:
    today = now.date()
    if next_:  # "jeudi prochain": that day in next (Monday-based) week
        return today + timedelta(days=7 - today.weekday() + weekday)
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0:
        still_today = clock is not None and _localise(datetime.combine(today, clock), tz) > now
        ahead = 0 if still_today else 7
    return today + timedelta(days=ahead)


def _parse_iso(plain: str, tz: ZoneInfo) -> ParsedWhen:
    try:
        parsed = datetime.fromisoformat(plain.upper())
    except ValueError:
        raise WhenError("impossible_date", "no_such_day") from None
    has_time = len(plain) > 10
    if parsed.tzinfo is not None:
        return ParsedWhen(parsed.astimezone(tz), has_time=True)
    if not has_time:
        return ParsedWhen(_start_of_day(parsed.date(), tz), has_time=False)
    return ParsedWhen(_localise(parsed, tz), has_time=True)


def _localise(wall: datetime, tz: ZoneInfo) -> datetime:
    """`wall` in `tz`; first occurrence in a DST fold; `WhenError` in a DST gap."""
    aware = wall.replace(tzinfo=tz, fold=0)
    if aware.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) != wall:
        raise WhenError("impossible_date", "dst_gap")
    return aware


def _start_of_day(day: date, tz: ZoneInfo) -> datetime:
    """Local midnight, or the first instant of the day where a DST change skips midnight."""
    aware = datetime.combine(day, time(0), tzinfo=tz)
    return aware.astimezone(timezone.utc).astimezone(tz)


def _check_not_past(parsed: ParsedWhen, now: datetime) -> None:
    if parsed.has_time and parsed.at < now:
        raise WhenError("past")
    if not parsed.has_time and parsed.at.date() < now.date():
        raise WhenError("past")
