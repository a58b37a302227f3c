"""Dates as each language writes them: "1er" for the first of a month in French, in the programme and the report."""

from __future__ import annotations

from datetime import date, datetime, timezone

from bot.events.render import format_day, format_when
from bot.i18n import Translator
from bot.report.numbers import day_text


def test_the_first_of_a_month_is_1er_in_french_only():
    first = datetime(2026, 9, 1, 16, 30, tzinfo=timezone.utc)
    assert format_when(first, "Europe/Paris", "fr") == "mar. 1er sept. 18h30"
    assert format_when(first, "Europe/Paris", "en") == "Tue 1 Sep, 6:30 pm"
    assert format_day(datetime(2026, 9, 11), "fr").endswith(" 11 sept.")  # only the first: not "11er"
    assert format_day(datetime(2026, 9, 21), "fr").endswith(" 21 sept.")
    assert day_text(date(2026, 9, 1), Translator("fr")) == "1er septembre 2026"
    assert day_text(date(2026, 9, 1), Translator("en")) == "1 September 2026"
    assert day_text(date(2026, 9, 2), Translator("fr")) == "2 septembre 2026"
