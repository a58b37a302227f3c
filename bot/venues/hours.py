"""A venue's opening hours: what is known (`Hours`), whether it opens on a day, and its stored
OpenStreetMap form (`canonical`: "Mo-Fr 09:00-18:00; Sa 10:00-13:00; Dec 24-Jan 02 off").

`bot.venues.hours_reading` reads them from OSM-style or French text, `bot.venues.hours_wording`
says them in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
FULL_DAY = (0, 24 * 60)


class HoursError(ValueError):
    """Text that is not opening hours; the message is for the config's and the CSV's problems."""


Closure = tuple[tuple[int, int], tuple[int, int]]  # ((month, day), (month, day)), both included


@dataclass(frozen=True)
class Hours:
    """Per weekday (Monday first), the time ranges open, in minutes from midnight (an end before
    its start runs past midnight); no range on any day: closed. `days` is None when only closures
    are known ("fermé du 24 décembre au 2 janvier"). `closures` are closed whatever the weekday."""

    days: tuple[tuple[tuple[int, int], ...], ...] | None
    closures: tuple[Closure, ...] = ()

    @property
    def closed(self) -> bool:
        return self.days is not None and not any(self.days)

    @property
    def always(self) -> bool:
        return self.days is not None and all(spans == (FULL_DAY,) for spans in self.days) and not self.closures

    def open_on(self, day: date) -> bool:
        """Whether the venue opens at some time on `day` (unknown weekly hours count as open)."""
        when = (day.month, day.day)
        for start, end in self.closures:
            if (start <= when <= end) if start <= end else (when >= start or when <= end):  # Dec 24-Jan 02 wraps
                return False
        return self.days is None or bool(self.days[day.weekday()])

    def open_within(self, start: date, days: int = 14) -> bool:
        """Whether the venue opens on any day from `start` (included) for `days` days."""
        return any(self.open_on(start + timedelta(days=k)) for k in range(days))



# -- the OSM form ------------------------------------------------------------------------------

def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def groups(hours: Hours) -> list[tuple[list[int], tuple[tuple[int, int], ...]]]:
    """(days, ranges) for each distinct set of ranges, in the order of their first day."""
    found: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for day, spans in enumerate(hours.days or ()):
        if spans:
            found.setdefault(spans, []).append(day)
    return [(days, spans) for spans, days in found.items()]


def runs(days: list[int]) -> list[tuple[int, int]]:
    """Consecutive days as (first, last): [0, 1, 2, 4] -> [(0, 2), (4, 4)]."""
    runs: list[tuple[int, int]] = []
    for day in days:
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def canonical(hours: Hours) -> str:
    """The OSM form: "Mo-Fr 09:00-18:00; Sa 10:00-13:00; Dec 24-Jan 02 off", "24/7" or "off"."""
    if hours.closed:
        return "off"
    if hours.always:
        return "24/7"
    rules = []
    for days, spans in groups(hours):
        names = ",".join(DAYS[a].title() if a == b else f"{DAYS[a].title()}{'-' if b - a > 1 else ','}"
                         f"{DAYS[b].title()}" for a, b in runs(days))
        times = ",".join(f"{clock(a)}-{clock(b)}" for a, b in spans)
        rules.append(names if spans == (FULL_DAY,) else f"{names} {times}")
    for start, end in hours.closures:  # always with days of the month: a lone "Mar" would read as mardi
        day = lambda when: f"{MONTHS[when[0] - 1].title()} {when[1]:02d}"  # noqa: E731
        rules.append(f"{day(start)} off" if start == end else f"{day(start)}-{day(end)} off")
    return "; ".join(rules)

