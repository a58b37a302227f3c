"""Opening hours said in the reader's language: "ouvert du lundi au vendredi, 9h–18h ; le samedi,
10h–13h ; fermé du 24 décembre au 2 janvier" / "open Monday to Friday, 9:00–18:00; ...".

The words are the catalogues' (`venues.hours.*`); the structure is `bot.venues.hours`'.
"""

from __future__ import annotations

import calendar

from bot.i18n import Translator, day_of_month
from bot.venues.hours import DAYS, FULL_DAY, MONTHS, Closure, HoursError, groups, runs
from bot.venues.hours_reading import parse


def _time(t: Translator, minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    if minutes in (0, 24 * 60):  # "10h–minuit", not "10h–24h"
        return t("venues.hours.midnight")
    return t("venues.hours.time_hour", h=hour) if not minute else t("venues.hours.time", h=hour, m=f"{minute:02d}")


def _and(t: Translator, parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else t("venues.hours.and", a=", ".join(parts[:-1]), b=parts[-1])


def _days(t: Translator, days: list[int]) -> str:
    if len(days) == 7:
        return t("venues.hours.every_day")
    parts = []
    for a, b in runs(days):
        if b - a < 2:  # "le lundi et le mardi", not "du lundi au mardi"
            parts += [t("venues.hours.on_day", day=t(f"venues.hours.day.{DAYS[d]}")) for d in range(a, b + 1)]
        else:
            parts.append(t("venues.hours.day_range", a=t(f"venues.hours.day.{DAYS[a]}"),
                           b=t(f"venues.hours.day.{DAYS[b]}")))
    return _and(t, parts)


def _date(t: Translator, month: int, day: int | None = None) -> str:
    name = t(f"venues.hours.month.{MONTHS[month - 1]}")
    return name if day is None else t("venues.hours.date", day=day_of_month(day, t.locale), month=name)


def _closure(t: Translator, closure: Closure) -> str:
    (first_month, first_day), (last_month, last_day) = closure
    if closure[0] == closure[1]:
        return t("venues.hours.closed_on", date=_date(t, first_month, first_day))
    if first_month == last_month and first_day == 1 and last_day == calendar.monthrange(2024, last_month)[1]:
        return t("venues.hours.closed_in", month=_date(t, first_month))
    if first_month == last_month and first_day < last_day:  # "du 24 au 31 décembre"
        start = day_of_month(first_day, t.locale)
    else:
        start = _date(t, first_month, first_day)
    return t("venues.hours.closed_from", start=start, end=_date(t, last_month, last_day))


def describe(stored: str | None, t: Translator) -> str | None:
    """The hours stored on a venue, in words; None when unknown (or unreadable: stored values were
    checked, so that is an older or hand-made row)."""
    if not stored:
        return None
    try:
        hours = parse(stored)
    except HoursError:
        return None
    if hours.closed:
        return t("venues.hours.closed")
    parts = []
    if hours.days is not None and all(spans == (FULL_DAY,) for spans in hours.days):
        parts.append(t("venues.hours.always"))
    elif hours.days is not None:
        rules = []
        for days, spans in groups(hours):
            if spans == (FULL_DAY,):
                rules.append(t("venues.hours.rule_all_day", days=_days(t, days)))
            else:
                times = _and(t, [t("venues.hours.span", start=_time(t, a), end=_time(t, b)) for a, b in spans])
                rules.append(t("venues.hours.rule", days=_days(t, days), times=times))
        parts.append(t("venues.hours.open", rules=t("venues.hours.rule_separator").join(rules)))
    parts += [_closure(t, closure) for closure in hours.closures]
    return t("venues.hours.rule_separator").join(parts)
