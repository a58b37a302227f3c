"""Tests for bot.timeparse.parser: event starts, ends and durations typed in French and English.

Unless a case says otherwise, "now" is Wednesday 2026-11-25 10:00 in Europe/Paris (UTC+1).
"""

from __future__ import annotations

import time as clock
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse.parser import (
    REASONS,
    ParsedWhen,
    WhenError,
    parse_duration,
    parse_end,
    parse_end_or_duration,
    parse_when,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)  # a Wednesday


def when(text: str, *, now: datetime = NOW, tz: ZoneInfo = PARIS, locale: str = "fr") -> ParsedWhen:
    return parse_when(text, now=now, tz=tz, locale=locale)


# --- starts that resolve ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # French
        ("jeudi 18h30", "2026-11-26T18:30+01:00"),
        ("JEUDI 18H30", "2026-11-26T18:30+01:00"),
        ("jeudi prochain 18h", "2026-12-03T18:00+01:00"),
        ("lundi prochain 9h", "2026-11-30T09:00+01:00"),
        ("mercredi 9h", "2026-12-02T09:00+01:00"),  # today is Wednesday and 9h has passed
        ("mercredi 18h", "2026-11-25T18:00+01:00"),  # still ahead today
        ("12/12 à 9h", "2026-12-12T09:00+01:00"),
        ("12/12/2026 9:00", "2026-12-12T09:00+01:00"),
        ("12.12.26 9h", "2026-12-12T09:00+01:00"),
        ("demain 14h", "2026-11-26T14:00+01:00"),
        ("après-demain 10h", "2026-11-27T10:00+01:00"),
        ("apres-demain 10h", "2026-11-27T10:00+01:00"),
        ("Après demain à 10h", "2026-11-27T10:00+01:00"),
        ("aujourd'hui 17h", "2026-11-25T17:00+01:00"),
        ("aujourd\u2019hui à 17 h 45", "2026-11-25T17:45+01:00"),
        ("ce soir 19h", "2026-11-25T19:00+01:00"),
        ("ce soir à 8h", "2026-11-25T20:00+01:00"),
        ("demain soir 8h30", "2026-11-26T20:30+01:00"),
        ("cet après-midi 3h", "2026-11-25T15:00+01:00"),
        ("le 3 décembre à 18h30", "2026-12-03T18:30+01:00"),
        ("3 déc. 18h", "2026-12-03T18:00+01:00"),
        ("3 DEC 18h", "2026-12-03T18:00+01:00"),
        ("lundi 7 décembre 9h", "2026-12-07T09:00+01:00"),
        ("le 1er décembre à 9h", "2026-12-01T09:00+01:00"),
        ("jeudi 26 à 18h", "2026-11-26T18:00+01:00"),
        ("le 2 à 10h", "2026-12-02T10:00+01:00"),  # the next 2nd of a month
        ("jeudi midi", "2026-11-26T12:00+01:00"),
        ("demain 18 heures", "2026-11-26T18:00+01:00"),
        ("vendredi à 7:30", "2026-11-27T07:30+01:00"),  # French text: 24-hour clock
        ("3 mars 10h", "2027-03-03T10:00+01:00"),  # a yearless date already gone: next year
        ("12 décembre 2027 9h", "2027-12-12T09:00+01:00"),
        ("mercerdi 9h", "2026-12-02T09:00+01:00"),  # one typo forgiven in a long word
        ("jeudii 9h", "2026-11-26T09:00+01:00"),
        ("18h30 jeudi", "2026-11-26T18:30+01:00"),  # any order
        ("29/02 10h", "2028-02-29T10:00+01:00"),  # the next leap year
        # English
        ("tomorrow 6pm", "2026-11-26T18:00+01:00"),
        ("Tomorrow at 18:00", "2026-11-26T18:00+01:00"),
        ("tomorow 6 p.m.", "2026-11-26T18:00+01:00"),
        ("thursday 6:30 pm", "2026-11-26T18:30+01:00"),
        ("next monday 9am", "2026-11-30T09:00+01:00"),
        ("next thursday 9am", "2026-12-03T09:00+01:00"),
        ("Dec 12 9am", "2026-12-12T09:00+01:00"),
        ("December 3rd at 7pm", "2026-12-03T19:00+01:00"),
        ("Dec 12, 2026 at 9:15am", "2026-12-12T09:15+01:00"),
        ("12 December at 9", "2026-12-12T09:00+01:00"),
        ("the day after tomorrow at 10am", "2026-11-27T10:00+01:00"),
        ("tonight 8pm", "2026-11-25T20:00+01:00"),
        ("tonight at 8", "2026-11-25T20:00+01:00"),
        ("tomorrow noon", "2026-11-26T12:00+01:00"),
        ("friday at 9 o'clock", "2026-11-27T09:00+01:00"),
        ("9am tomorrow", "2026-11-26T09:00+01:00"),
        ("Mar 12 9am", "2027-03-12T09:00+01:00"),  # "mar" is March, never mardi
        ("tomorrow 07:30", "2026-11-26T07:30+01:00"),  # zero-padded: clearly morning
        # ISO
        ("2026-12-12T09:00", "2026-12-12T09:00+01:00"),
        ("2026-12-12 09:00", "2026-12-12T09:00+01:00"),
        ("2026-12-12T09:00+01:00", "2026-12-12T09:00+01:00"),
        ("2026-12-12T08:00Z", "2026-12-12T09:00+01:00"),  # an instant, shown in the venue's tz
        ("2026-12-12T09:00-05:00", "2026-12-12T15:00+01:00"),
        ("2026-12-12 à 9h", "2026-12-12T09:00+01:00"),
    ],
)
def test_start_with_time(text: str, expected: str) -> None:
    parsed = when(text)
    assert parsed.has_time
    assert parsed.at == datetime.fromisoformat(expected)
    assert parsed.at.tzinfo == PARIS


@pytest.mark.parametrize(
    ("text", "expected_day"),
    [
        ("demain", "2026-11-26"),
        ("jeudi", "2026-11-26"),
        ("mercredi", "2026-12-02"),  # the same weekday without a time: next week
        ("12/12", "2026-12-12"),
        ("2026-12-12", "2026-12-12"),
        ("ce soir", "2026-11-25"),
        ("aujourd'hui", "2026-11-25"),
    ],
)
def test_start_without_time_is_local_midnight(text: str, expected_day: str) -> None:
    parsed = when(text)
    assert not parsed.has_time
    assert parsed.at == datetime.fromisoformat(expected_day).replace(tzinfo=PARIS)


# --- starts that are refused, with the reason the chat layer explains -----------------------------

@pytest.mark.parametrize(
    ("text", "reason", "detail"),
    [
        ("", "unparsable", "empty"),
        ("   ", "unparsable", "empty"),
        ("n'importe quoi", "unparsable", "unknown_word"),
        ("asdfgh", "unparsable", "unknown_word"),
        ("la semaine prochaine", "unparsable", "unknown_word"),
        ("42", "unparsable", "stray_number"),
        ("prochain", "unparsable", "next_without_weekday"),
        ("décembre", "unparsable", "month_without_day"),
        ("9h", "past", None),  # a time alone is today, and 9:00 has passed
        ("hier 10h", "unparsable", "unknown_word"),
        ("jeidi 9h", "unparsable", "unknown_word"),  # a wrong letter in a short word: no guess
        ("match 18h", "unparsable", "unknown_word"),
        ("12/11 9h", "past", "recent_date"),  # 13 days ago: a mistake, not next year
        ("25/11 9h", "past", None),  # today, an hour ago
        ("12/12/2025 9h", "past", None),
        ("2020-01-01T10:00", "past", None),
        ("31/02 10h", "impossible_date", "no_such_day"),
        ("13/13 10h", "impossible_date", "no_such_day"),
        ("2026-02-30 10:00", "impossible_date", "no_such_day"),
        ("demain 25h", "impossible_date", "bad_time"),
        ("demain 18h75", "impossible_date", "bad_time"),
        ("demain 13pm", "impossible_date", "bad_time"),
        ("tomorrow at 6", "ambiguous", "am_pm"),
        ("demain à 7", "ambiguous", "am_pm"),
        ("tomorrow 6:30", "ambiguous", "am_pm"),
        ("ce matin 19h", "ambiguous", "am_pm"),
        ("lundi 8 décembre 9h", "ambiguous", "weekday_mismatch"),
        ("demain 12/12 9h", "ambiguous", "two_dates"),
        ("jeudi vendredi 9h", "ambiguous", "two_weekday"),
        ("demain 9h 10h", "ambiguous", "two_clock"),
        ("vendredi minuit", "ambiguous", "midnight"),
    ],
)
def test_start_refused(text: str, reason: str, detail: str | None) -> None:
    with pytest.raises(WhenError) as caught:
        when(text)
    assert caught.value.reason == reason
    assert caught.value.reason in REASONS
    assert caught.value.detail == detail


# --- weekday rules depend on the time of day ------------------------------------------------------

def test_same_weekday_later_today_is_today() -> None:
    thursday_morning = datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)
    expected = datetime(2026, 11, 26, 18, 30, tzinfo=PARIS)
    assert when("jeudi 18h30", now=thursday_morning).at == expected


def test_same_weekday_once_passed_is_next_week() -> None:
    thursday_evening = datetime(2026, 11, 26, 19, 0, tzinfo=PARIS)
    expected = datetime(2026, 12, 3, 18, 30, tzinfo=PARIS)
    assert when("jeudi 18h30", now=thursday_evening).at == expected


def test_next_weekday_said_on_sunday_is_the_coming_week() -> None:
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=PARIS)
    assert when("lundi prochain 9h", now=sunday).at == datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    assert when("dimanche prochain 9h", now=sunday).at == datetime(2026, 12, 6, 9, 0, tzinfo=PARIS)


def test_now_in_another_timezone_is_read_in_the_venue_timezone() -> None:
    # 23:30 UTC on Wednesday is already Thursday 00:30 in Paris: "demain" is Friday.
    now_utc = datetime(2026, 11, 25, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert when("demain 10h", now=now_utc).at == datetime(2026, 11, 27, 10, 0, tzinfo=PARIS)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("demain 10h", now=datetime(2026, 11, 25, 10), tz=PARIS, locale="fr")


# --- day/month order ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("12/11/2027 9am", "en", "2027-11-12T09:00+01:00"),  # DD/MM for English outside the US
        ("12/11/2027 9am", "en-GB", "2027-11-12T09:00+01:00"),
        ("12/11/2027 9am", "en-US", "2027-12-11T09:00+01:00"),
        ("12/11/2027 9am", "en_US", "2027-12-11T09:00+01:00"),
        ("12/25 9h", "fr", "2026-12-25T09:00+01:00"),  # only one order exists
        ("25/12 9am", "en-US", "2026-12-25T09:00+01:00"),
    ],
)
def test_day_month_order(text: str, locale: str, expected: str) -> None:
    assert when(text, locale=locale).at == datetime.fromisoformat(expected)


def test_locale_sets_clock_convention_when_text_has_no_words() -> None:
    assert when("12/12 7:30", locale="fr").at == datetime(2026, 12, 12, 7, 30, tzinfo=PARIS)
    with pytest.raises(WhenError) as caught:
        when("12/12 7:30", locale="en")
    assert caught.value.reason == "ambiguous"


# --- daylight saving ------------------------------------------------------------------------------

SPRING_WEEK = datetime(2027, 3, 24, 10, 0, tzinfo=PARIS)  # Wednesday; clocks go forward Sunday 28
AUTUMN_WEEK = datetime(2026, 10, 21, 10, 0, tzinfo=PARIS)  # Wednesday; clocks go back on Sunday 25


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("samedi 10h", SPRING_WEEK, "2027-03-27T10:00+01:00"),
        ("dimanche 10h", SPRING_WEEK, "2027-03-28T10:00+02:00"),
        ("dimanche 3h", SPRING_WEEK, "2027-03-28T03:00+02:00"),
        ("dimanche 10h", AUTUMN_WEEK, "2026-10-25T10:00+01:00"),
        ("dimanche 2h30", AUTUMN_WEEK, "2026-10-25T02:30+02:00"),  # a fold: the first 02:30
        ("samedi 10h", AUTUMN_WEEK, "2026-10-24T10:00+02:00"),
    ],
)
def test_dst_weeks(text: str, now: datetime, expected: str) -> None:
    parsed = when(text, now=now)
    wanted = datetime.fromisoformat(expected)
    # Compare instants in UTC: Python never finds a time in a fold equal to one in another zone.
    assert parsed.at.astimezone(UTC) == wanted.astimezone(UTC)
    assert parsed.at.utcoffset() == wanted.utcoffset()


@pytest.mark.parametrize("text", ["dimanche 2h30", "2027-03-28 02:30", "le 28 mars à 2h"])
def test_time_skipped_by_dst_is_impossible(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        when(text, now=SPRING_WEEK)
    assert (caught.value.reason, caught.value.detail) == ("impossible_date", "dst_gap")


def test_day_whose_midnight_is_skipped_starts_at_first_valid_instant() -> None:
    santiago = ZoneInfo("America/Santiago")  # clocks jump from 00:00 to 01:00 on 2026-09-06
    now = datetime(2026, 9, 1, 10, 0, tzinfo=santiago)
    parsed = when("6/9", now=now, tz=santiago)
    assert not parsed.has_time
    assert parsed.at == datetime(2026, 9, 6, 1, 0, tzinfo=santiago)


def test_other_venue_timezone() -> None:
    montreal = ZoneInfo("America/Toronto")
    now = datetime(2026, 11, 25, 10, 0, tzinfo=montreal)
    parsed = when("demain 18h", now=now, tz=montreal)
    assert parsed.at == datetime(2026, 11, 26, 18, 0, tzinfo=montreal)
    assert parsed.at.utcoffset() == timedelta(hours=-5)


# --- durations ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30", 90), ("1h", 60), ("90 min", 90), ("90mn", 90), ("45m", 45), ("2 heures", 120),
        ("1 hour 30", 90), ("1 hour 30 minutes", 90), ("2 hours", 120), ("une heure", 60),
        ("an hour", 60), ("une demi-heure", 30), ("half an hour", 30), ("1h et demie", 90),
        ("1.5h", 90), ("1,5 heure", 90), ("1:30", 90), ("2 jours", 2880), ("1 day", 1440),
        ("pendant 2h", 120), ("1 H 30", 90),
    ],
)
def test_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "unparsable"), ("beaucoup", "unparsable"), ("90", "ambiguous"), ("h", "unparsable"),
        ("1h 2h", "unparsable"), ("0 min", "impossible_date"), ("40 jours", "impossible_date"),
        ("1h75", "impossible_date"), ("2 days 30", "unparsable"),
    ],
)
def test_duration_refused(text: str, reason: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_duration(text)
    assert caught.value.reason == reason


# --- ends -----------------------------------------------------------------------------------------

START = datetime(2026, 12, 3, 18, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20h", "2026-12-03T20:00+01:00"),
        ("8pm", "2026-12-03T20:00+01:00"),
        ("20:30", "2026-12-03T20:30+01:00"),
        ("jusqu'à 20h", "2026-12-03T20:00+01:00"),
        ("until 8:30pm", "2026-12-03T20:30+01:00"),
        ("2h", "2026-12-04T02:00+01:00"),  # overnight within 12 hours
        ("demain 2h", "2026-12-04T02:00+01:00"),  # relative to the start
        ("4 décembre 10h", "2026-12-04T10:00+01:00"),
        ("2026-12-03T21:00+01:00", "2026-12-03T21:00+01:00"),
    ],
)
def test_end(text: str, expected: str) -> None:
    assert parse_end(text, START, PARIS) == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("17h", "past"), ("18h", "past"), ("3 décembre 17h", "past"), ("12/12", "ambiguous"),
     ("bientôt", "unparsable"), ("", "unparsable")],
)
def test_end_refused(text: str, reason: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_end(text, START, PARIS)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20h", "2026-12-03T20:00+01:00"),  # later the same day: an end
        ("2h", "2026-12-03T20:00+01:00"),  # would end the next day: a duration
        ("1h30", "2026-12-03T19:30+01:00"),
        ("90 min", "2026-12-03T19:30+01:00"),
        ("1:30", "2026-12-03T19:30+01:00"),
        ("20:30", "2026-12-03T20:30+01:00"),
        ("2 heures", "2026-12-03T20:00+01:00"),  # spelled out: a length, not 02:00
        ("8pm", "2026-12-03T20:00+01:00"),
        ("demain 2h", "2026-12-04T02:00+01:00"),
    ],
)
def test_end_or_duration(text: str, expected: str) -> None:
    assert parse_end_or_duration(text, START, PARIS) == datetime.fromisoformat(expected)


def test_end_or_duration_late_start() -> None:
    late = datetime(2026, 12, 3, 22, 0, tzinfo=PARIS)
    end = parse_end_or_duration("23h30", late, PARIS)
    assert end == datetime(2026, 12, 3, 23, 30, tzinfo=PARIS)
    # Both readings cross midnight: the compact "3h" is then taken as three hours.
    assert parse_end_or_duration("3h", late, PARIS) == datetime(2026, 12, 4, 1, 0, tzinfo=PARIS)
    assert parse_end("3h", late, PARIS) == datetime(2026, 12, 4, 3, 0, tzinfo=PARIS)


def test_end_or_duration_refuses_clock_shaped_long_duration() -> None:
    with pytest.raises(WhenError) as caught:
        parse_end_or_duration("17h", START, PARIS)  # not "17 hours": an end before the start
    assert caught.value.reason == "past"


def test_duration_across_dst_is_elapsed_time() -> None:
    start = datetime(2026, 10, 25, 1, 0, tzinfo=PARIS)  # 01:00 CEST, an hour before clocks go back
    end = parse_end_or_duration("2 heures", start, PARIS)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=2)
    assert end.utcoffset() == timedelta(hours=1)  # 02:00 CET, the second 02:00 of the night


# --- cost -----------------------------------------------------------------------------------------

def test_parsing_is_fast() -> None:
    began = clock.process_time()  # CPU time: a loaded machine stretches wall time, not the work
    for _ in range(200):
        when("le 3 décembre à 18h30")
        when("next monday 9am")
    assert clock.process_time() - began < 1.0
