"""Reading a venue's opening hours: a subset of OpenStreetMap's `opening_hours`, and what French
hosts type.

Accepted: days Mo..Su, ranges and lists (`Mo-Fr`, `Mo,We`), one or more time ranges per rule
(`09:00-12:00,14:00-18:00`), rules separated by `;` (a later rule replaces the days it names, as in
OSM) or by `,` before a new day (it adds to them), `24/7`, `off`/`closed` alone (temporarily closed)
or after days (`Su off`), closures by date (`Dec 24-Jan 02 off`, `Aug 01-Aug 31 off`), `PH off`
(public holidays: ignored, we know none), and a quoted comment.
French: lu ma me je ve sa di or full names, `9h`, `9h30`, `midi`, "du lundi au vendredi de 9h à 18h",
`tous les jours`, `7j/7`, `24h/24`, `fermé`, "fermé le lundi", "fermé du 24 décembre au 2 janvier",
"fermé en août", rules with no separator; English `9am-6pm` too. ("mar" is mardi, unless a day
of the month stands next to it: March is "mars" or "March".) A value is stored in its OSM form
(`normalized`), so what a host typed in French reads back the same way as the config's.

Why not the `opening-hours-py` parser from PyPI: it is a compiled (Rust) extension for the whole
OSM grammar (holidays, sunrise, week numbers...), reads none of the French, and says nothing in
French or English; the normaliser and the wording would be ours anyway, and they are most of this.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from functools import lru_cache

from bot.timeparse.lexicon import EN_DAYS, EN_MONTHS, FR_DAYS, FR_MONTHS
from bot.venues.hours import DAYS, FULL_DAY, MONTHS, Closure, Hours, HoursError, canonical, clock

DAY_WORDS = {
    **{d: i for i, d in enumerate(DAYS)},
    **{w: i for i, w in enumerate(("lu", "ma", "me", "je", "ve", "sa", "di"))},
    **{w: i for i, w in enumerate(("lun", "mar", "mer", "jeu", "ven", "sam", "dim"))},
    **{w: i for i, w in enumerate(FR_DAYS)},
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{w: i for i, w in enumerate(EN_DAYS)},
}
MONTH_WORDS = {
    **{m: i for i, m in enumerate(MONTHS, start=1) if m != "mar"},  # "mar": see `_tokens`
    **{w: i for i, w in enumerate(EN_MONTHS, start=1)},
    **{w: i for i, w in enumerate(FR_MONTHS, start=1)},
    "janv": 1, "fev": 2, "fevr": 2, "avr": 4, "juil": 7, "sept": 9,
}
DASH_WORDS = {"au", "a", "to", "till", "until", "jusqu"}  # "du lundi au vendredi", "de 9h à 18h"
AND_WORDS = {"et", "and"}
OFF_WORDS = {"off", "closed", "close", "ferme", "fermee", "fermes", "fermees"}
CLOCK_WORDS = {"midi": 12 * 60, "noon": 12 * 60, "minuit": 24 * 60, "midnight": 24 * 60}
ALL_DAY_WORDS = {"jours", "daily", "everyday", "day", "days"}  # "tous les jours", "every day"
IGNORED_WORDS = {"du", "de", "le", "les", "l", "d", "from", "the", "on", "ouvert", "ouverte", "open", "tous",
                 "every", "temporairement", "temporarily", "pour", "instant", "now", "for", "en", "in", "er"}
TOKEN = re.compile(r"""
    (?P<always>24\s*/\s*7|24\s*h\s*/\s*24)
  | (?P<alldays>7\s*j?\s*/\s*7)
  | (?P<ampm>\d{1,2}(?:\s*:\s*\d{2})?\s*[ap]\.?m\b\.?)
  | (?P<time>\d{1,2}\s*(?::\s*\d{2}|h\s*(?:\d{2})?))
  | (?P<number>\d+)
  | (?P<comment>"[^"]*")
  | (?P<word>[a-z]+)
  | (?P<dash>-)
  | (?P<comma>[,&+])
  | (?P<semi>[;\n])
  | (?P<space>[\s.'’:]+)
  | (?P<other>.)
""", re.VERBOSE)
MAX_LENGTH = 300

def _plain(text: str) -> str:
    """Lowercase, without accents, with every kind of dash as "-"."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\u2010-\u2015\u2212]", "-", text)


def _tokens(text: str) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for match in TOKEN.finditer(_plain(text)):
        kind, value = match.lastgroup or "other", match.group()
        if kind in ("space", "comment"):
            continue
        if kind in ("time", "ampm"):
            hour, minute = (int(n) for n in (re.findall(r"\d+", value) + ["0"])[:2])
            if kind == "ampm":  # 12am is midnight, 12pm noon
                if hour > 12:
                    raise HoursError(f'"{value}" is not a time of day')
                hour = hour % 12 + (12 if "p" in value else 0)
            if hour > 24 or minute > 59 or hour * 60 + minute > 24 * 60:
                raise HoursError(f'"{value}" is not a time of day')
            found.append(("time", hour * 60 + minute))
        elif kind == "alldays":
            found.append(("alldays", None))
        elif kind == "word":
            if value == "mar":
                found.append(("mar", None))
            elif value in MONTH_WORDS:
                found.append(("month", MONTH_WORDS[value]))
            elif value in DAY_WORDS:
                found.append(("day", DAY_WORDS[value]))
            elif value in DASH_WORDS:
                found.append(("dash", None))
            elif value in AND_WORDS:
                found.append(("comma", None))
            elif value in OFF_WORDS:
                found.append(("off", None))
            elif value in CLOCK_WORDS:
                found.append(("time", CLOCK_WORDS[value]))
            elif value in ALL_DAY_WORDS:
                found.append(("alldays", None))
            elif value == "ph":
                found.append(("ph", None))
            elif value not in IGNORED_WORDS:
                found.append(("unknown", f'"{value}" is neither a day, a time nor "off"'))
        elif kind == "number":
            found.append(("number", int(value)))
        elif kind == "other":
            found.append(("unknown", f'"{value}" is neither a day, a time nor "off"'))
        else:
            found.append((kind, None))
    for k, (kind, _) in enumerate(found):  # "mar": March next to a day of the month, else mardi
        if kind == "mar":
            near = {found[j][0] for j in (k - 1, k + 1) if 0 <= j < len(found)}
            found[k] = ("month", 3) if "number" in near else ("day", 1)
    return found


class _Reader:
    """Rules from tokens: [days] (time ranges | off), one token of look-ahead."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self, ahead: int = 0) -> str | None:
        k = self.at + ahead
        return self.tokens[k][0] if k < len(self.tokens) else None

    def take(self, kind: str) -> object:
        if self.peek() != kind:
            raise HoursError(self.unexpected(f"expected {kind.replace('alldays', 'days')}"))
        value = self.tokens[self.at][1]
        self.at += 1
        return value

    def unexpected(self, what: str) -> str:
        if self.at >= len(self.tokens):
            return f"{what}, found the end"
        kind, value = self.tokens[self.at]
        if kind == "number":
            return f'"{value}" is not a time (write {value}:00 or {value}h)'
        shown = {"time": "a time", "day": "a day", "month": "a month", "dash": '"-"', "comma": '","',
                 "semi": '";"', "off": '"off"', "always": '"24/7"'}.get(kind, kind)
        return f"{what}, found {shown}"

    def days(self) -> set[int] | None:
        """The days a rule names, or None when it names none (every day)."""
        if self.peek() == "alldays":
            self.at += 1
            return set(range(7))
        if self.peek() != "day":
            return None
        chosen: set[int] = set()
        while True:
            first = int(self.take("day"))  # type: ignore[arg-type]
            if self.peek() == "dash":
                self.at += 1
                last = int(self.take("day"))  # type: ignore[arg-type]
                chosen.update((first + k) % 7 for k in range((last - first) % 7 + 1))  # Sa-Mo wraps
            else:
                chosen.add(first)
            if self.peek() == "comma" and self.peek(1) == "day":
                self.at += 1
                continue
            return chosen

    def starts_dates(self, ahead: int = 0) -> bool:
        """Whether a date comes next: "Dec 24", "24 décembre", "24 au 31 décembre", "août"."""
        if self.peek(ahead) == "month":
            return True
        return self.peek(ahead) == "number" and (self.peek(ahead + 1) == "month" or (
            self.peek(ahead + 1) == "dash" and self.peek(ahead + 2) == "number" and self.peek(ahead + 3) == "month"))

    def _date_part(self) -> tuple[int | None, int | None]:
        month = day = None
        if self.peek() == "number":
            day = int(self.take("number"))  # type: ignore[arg-type]
        if self.peek() == "month":
            month = int(self.take("month"))  # type: ignore[arg-type]
            if day is None and self.peek() == "number":  # "Dec 24"
                day = int(self.take("number"))  # type: ignore[arg-type]
        if month is None and day is None:
            raise HoursError(self.unexpected("expected a date"))
        return month, day

    def dates(self) -> Closure:
        """ "Dec 24-Jan 02", "du 24 décembre au 2 janvier", "du 24 au 31 décembre", "août"."""
        (first_month, first_day) = last = self._date_part()
        if self.peek() == "dash" and self.peek(1) in ("month", "number"):
            self.at += 1
            last = self._date_part()
        last_month, last_day = last
        first_month = first_month or last_month
        last_month = last_month or first_month
        assert first_month is not None and last_month is not None  # `_date_part` read one
        start = (first_month, first_day or 1)
        end = (last_month, last_day or calendar.monthrange(2024, last_month)[1])  # a leap year: Feb 29 exists
        for month, day in (start, end):
            if not 1 <= day <= calendar.monthrange(2024, month)[1]:
                raise HoursError(f"{day} is not a day of {calendar.month_name[month]}")
        return start, end

    def spans(self) -> list[tuple[int, int]]:
        found = []
        while True:
            start = int(self.take("time")) % (24 * 60)  # type: ignore[arg-type]  # "minuit-2h" starts at 0
            self.take("dash")
            end = int(self.take("time"))  # type: ignore[arg-type]
            if start == end:
                raise HoursError(f"{clock(start)}-{clock(end)} is not a time range")
            found.append((start, end))
            if self.peek() == "comma" and self.peek(1) == "time":
                self.at += 1
                continue
            return found


@lru_cache(maxsize=4096)  # a round reads every venue's hours, and proposals say them again and again
def parse(text: str) -> Hours:
    """Opening hours from OSM-style or French text; HoursError says what is wrong (in English)."""
    if len(text) > MAX_LENGTH:
        raise HoursError(f"longer than {MAX_LENGTH} characters")
    tokens = _tokens(text)
    if not tokens:
        raise HoursError("empty")
    if tokens[0][0] == "off" and not any(kind in ("day", "time", "alldays", "always", "month", "number")
                                         for kind, _ in tokens):
        return Hours(((),) * 7)  # "fermé", "closed", "fermé pour travaux"
    unknown = next((value for kind, value in tokens if kind == "unknown"), None)
    if unknown is not None:
        raise HoursError(unknown)
    week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    weekly = False  # whether any rule said when it opens in the week (else only closures are known)
    closures: list[Closure] = []
    reader = _Reader(tokens)
    adding = False  # after a "," a rule adds to its days instead of replacing them
    while reader.peek() is not None:
        if reader.peek() == "ph":  # public holidays: we know none, so "PH off" / "PH 10:00-12:00" change nothing
            reader.at += 1
            while reader.peek() not in (None, "semi"):
                reader.at += 1
            continue
        if reader.starts_dates() or (reader.peek() == "off" and reader.starts_dates(1)):
            before = reader.peek() == "off"  # "fermé du 24 décembre au 2 janvier" or "Dec 24-Jan 02 off"
            reader.at += before
            closures.append(reader.dates())
            if not before:
                if reader.peek() != "off":
                    raise HoursError(reader.unexpected('dates take "off" (closed then)'))
                reader.at += 1
            chosen, spans = set(), []
        elif reader.peek() == "always":
            reader.at += 1
            chosen, spans = set(range(7)), [FULL_DAY]
        elif reader.peek() == "off" and reader.peek(1) in ("day", "alldays"):  # "fermé le dimanche"
            reader.at += 1
            chosen, spans = reader.days(), []
        else:
            chosen = reader.days()
            if reader.peek() == "off":
                reader.at += 1
                spans = []
            elif reader.peek() == "time":
                spans = reader.spans()
            elif chosen is not None:
                spans = [FULL_DAY]  # "Sa-Su": open all day, as in OSM
            else:
                raise HoursError(reader.unexpected("expected days, a time range or \"off\""))
            chosen = set(range(7)) if chosen is None else chosen
        weekly = weekly or bool(chosen)
        for day in chosen:
            week[day] = week[day] + spans if adding and spans else list(spans)
        if reader.peek() is None:
            break
        separator = reader.peek()
        if separator in ("day", "alldays", "always", "ph") or reader.starts_dates() or (
                separator == "off" and (reader.peek(1) == "day" or reader.starts_dates(1))):
            # "lu-ve 9h-18h sa 10h-13h", "lu-sa 9h-18h fermé le mercredi": a new rule, as after ";"
            adding = False
            continue
        if separator not in ("semi", "comma"):
            raise HoursError(reader.unexpected('expected ";" between rules'))
        reader.at += 1
        adding = separator == "comma"
    days = tuple(tuple(sorted(set(spans))) for spans in week) if weekly else None
    return Hours(days, tuple(dict.fromkeys(closures)))


def normalized(text: str | None) -> str | None:
    """The stored form of what was typed (None for nothing); HoursError when it is not hours."""
    if text is None or not text.strip():
        return None
    return canonical(parse(text))


def problem(key: str, text: str | None) -> list[str]:
    """The config's and the CSV's check: `hours: "..." is not opening hours: why (e.g. ...)`."""
    if text is None:
        return []
    try:
        normalized(text)
    except HoursError as error:
        return [f'{key}: "{text}" is not opening hours: {error} (e.g. "Mo-Fr 09:00-18:00; Sa 10:00-13:00", '
                f'"lu-ve 9h-18h", "24/7" or "off")']
    return []
