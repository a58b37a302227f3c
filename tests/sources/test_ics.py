"""parse_ics on our own fixtures: DST, X-WR-TIMEZONE, EXDATE and moved occurrences, all-day, floating."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.sources.ics import parse_ics
from adapters.sources.model import FeedError, FeedOccurrence

DATA = Path(__file__).parent / "data"
PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc


def parse(name: str, now: datetime, **kwargs) -> list[FeedOccurrence]:
    result = parse_ics((DATA / name).read_bytes(), now=now, **kwargs)
    assert result.warnings == ()
    return list(result.occurrences)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekly_event_keeps_local_time_across_spring_dst_change():
    occurrences = parse("dst_weekly_paris.ics", at(2026, 3, 10))
    assert [o.start.astimezone(PARIS).strftime("%H:%M") for o in occurrences] == ["18:30"] * 6
    assert [o.start.strftime("%m-%d %H:%M") for o in occurrences] == [
        "03-12 17:30", "03-19 17:30", "03-26 17:30",  # CET, UTC+1
        "04-02 16:30", "04-09 16:30", "04-16 16:30",  # CEST, UTC+2 after 29 March
    ]  # fmt: skip
    assert all(o.end - o.start == timedelta(hours=2) for o in occurrences)
    first = occurrences[0]
    assert first.timezone == "Europe/Paris" and first.source_uid == "repair-cafe@fablab.example"
    assert first.recurrence_id == "2026-03-12T17:30:00+00:00"
    assert first.location == "Fablab des Tanneurs, 3 rue des Tanneurs, Lille"
    assert first.categories == ("réparation", "atelier")
    assert first.updated == at(2026, 3, 1, 12)


def test_weekly_event_across_autumn_dst_change_with_duration():
    occurrences = parse("dst_weekly_paris.ics", at(2026, 10, 1))
    assert [o.start.strftime("%m-%d %H:%M") for o in occurrences] == [
        "10-13 07:00", "10-20 07:00", "10-27 08:00", "11-03 08:00",
    ]  # fmt: skip
    assert {o.start.astimezone(PARIS).hour for o in occurrences} == {9}


def test_google_x_wr_timezone_feed_is_read_in_the_declared_zone():
    result = parse_ics((DATA / "google_x_wr_timezone.ics").read_bytes(), now=at(2026, 3, 15))
    assert result.calendar_name == "Coworking La Ruche"
    by_uid: dict[str, list[FeedOccurrence]] = {}
    for occurrence in result.occurrences:
        by_uid.setdefault(occurrence.source_uid, []).append(occurrence)
    weekly = by_uid["5k3v9q2abcdef@google.com"]
    # Written as 17:30Z (18:30 in Paris); X-WR-TIMEZONE keeps 18:30 local after the DST change.
    assert [o.start.astimezone(PARIS).strftime("%d %H:%M") for o in weekly] == [
        "19 18:30", "26 18:30", "02 18:30", "09 18:30",
    ]  # fmt: skip
    assert weekly[-1].start == at(2026, 4, 9, 16, 30)
    assert weekly[0].description == "Soirée d'échange entre membres.<br>Entrée libre."
    (open_day,) = by_uid["0a1b2c3d4e@google.com"]
    assert open_day.all_day and open_day.recurrence_id == ""
    assert (open_day.start, open_day.end) == (at(2026, 3, 31, 22), at(2026, 4, 1, 22))
    (floating,) = by_uid["floating-in-google@google.com"]
    assert floating.start == at(2026, 4, 10, 8) and floating.status == "tentative"


def test_exdate_and_moved_and_cancelled_occurrences():
    occurrences = parse("exdate_moved_occurrence.ics", at(2026, 5, 1))
    rows = [(o.recurrence_id[:10], o.start.strftime("%m-%d %H:%M"), o.status, o.title) for o in occurrences]
    assert rows == [
        ("2026-05-04", "05-04 17:00", "confirmed", "Permanence associative"),
        # 11 May is excluded (EXDATE); 18 May moved to Tuesday 19 at 20:00, same key as before.
        ("2026-05-18", "05-19 18:00", "confirmed", "Permanence associative (décalée au mardi)"),
        ("2026-05-25", "05-25 17:00", "cancelled", "Permanence associative"),
        ("2026-06-01", "06-01 17:00", "confirmed", "Permanence associative"),
    ]
    assert occurrences[1].recurrence_id == "2026-05-18T17:00:00+00:00"
    assert occurrences[0].url == "https://tiers-lieu.example/permanence"


def test_all_day_events_span_whole_days_in_the_calendar_zone():
    occurrences = parse("all_day.ics", at(2026, 6, 1), horizon_days=40)
    spans = {(o.source_uid, o.recurrence_id): (o.start, o.end) for o in occurrences}
    assert all(o.all_day and o.timezone == "Europe/Paris" for o in occurrences)
    assert spans["fete-musique@example.org", ""] == (at(2026, 6, 20, 22), at(2026, 6, 21, 22))
    assert spans["festival@example.org", ""] == (at(2026, 6, 30, 22), at(2026, 7, 3, 22))
    assert spans["no-end@example.org", ""] == (at(2026, 6, 24, 22), at(2026, 6, 25, 22))
    assert spans["monthly-clean@example.org", "2026-06-05"] == (at(2026, 6, 4, 22), at(2026, 6, 5, 22))
    assert ("monthly-clean@example.org", "2026-07-05") in spans
    montreal = parse("all_day.ics", at(2026, 6, 1), horizon_days=40, default_tz="America/Montreal")
    assert montreal[0].start == at(2026, 6, 5, 4) and montreal[0].timezone == "America/Montreal"


def test_floating_time_is_read_in_the_default_zone_and_missing_ends_get_defaults():
    occurrences = {o.source_uid: o for o in parse("floating_and_durations.ics", at(2026, 4, 10))}
    floating = occurrences["floating@example.org"]
    assert (floating.start, floating.end, floating.timezone) == (at(2026, 4, 15, 17), at(2026, 4, 15, 19), None)
    no_end = occurrences["no-dtend@example.org"]
    assert no_end.end - no_end.start == timedelta(hours=1)
    hackathon = occurrences["duration@example.org"]
    assert (hackathon.start, hackathon.end) == (at(2026, 4, 17, 12), at(2026, 4, 17, 15, 30))
    assert (hackathon.latitude, hackathon.longitude) == (50.6292, 3.0573)
    montreal = parse("floating_and_durations.ics", at(2026, 4, 10), default_tz="America/Montreal")
    assert montreal[0].start == at(2026, 4, 15, 23)


def test_window_limits_occurrences_and_is_reported():
    result = parse_ics((DATA / "dst_weekly_paris.ics").read_bytes(), now=at(2026, 3, 21), horizon_days=10)
    assert [o.start.day for o in result.occurrences] == [26]
    assert (result.window_start, result.window_end) == (at(2026, 3, 20), at(2026, 3, 31))


def test_reparsing_gives_identical_fingerprints_and_a_content_change_changes_one():
    data = (DATA / "exdate_moved_occurrence.ics").read_bytes()
    first = parse_ics(data, now=at(2026, 5, 1)).occurrences
    again = parse_ics(data, now=at(2026, 5, 1)).occurrences
    assert [o.fingerprint for o in first] == [o.fingerprint for o in again]
    changed = parse_ics(data.replace(b"(d\xc3\xa9cal\xc3\xa9e au mardi)", b"(mardi)"), now=at(2026, 5, 1))
    differing = [a.key for a, b in zip(first, changed.occurrences) if a.fingerprint != b.fingerprint]
    assert differing == [("permanence@tiers-lieu.example", "2026-05-18T17:00:00+00:00")]


MESSY = (
    b"\xef\xbb\xbfBEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//messy//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:good-1\r\nDTSTART:20260601T100000Z\r\nDTEND:20260601T110000Z\r\n"
    b"SUMMARY:Bon \xc3\xa9v\xc3\xa9nement\r\nDESCRIPTION:Une longue description pli\r\n \xc3\xa9e sur deux lignes\r\n"
    b"BEGIN:VALARM\r\nTRIGGER:-PT5M\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\rUID:bad-start\rDTSTART:2026-06-02 10h\rSUMMARY:Date illisible\rEND:VEVENT\r"
    b"BEGIN:VEVENT\nUID:bad-rule\nDTSTART:20260603T100000Z\nRRULE:FREQ=SOMETIMES\nSUMMARY:R\xc3\xa8gle cass\xc3\xa9e\nEND:VEVENT\n"
    b"BEGIN:VEVENT\r\nUID:nul\x00-byte\r\nDTSTART:20260604T100000Z\r\nSUMMARY:Avec NUL\r\nEND:VEVENT\r\n"
    b"BEGIN:VTODO\r\nUID:todo\r\nDUE:20260605T100000Z\r\nEND:VTODO\r\n"
    b"BEGIN:VEVENT\r\nUID:per-second\r\nDTSTART:20260601T100000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def test_messy_file_keeps_what_is_valid_and_names_what_is_not():
    result = parse_ics(MESSY, now=at(2026, 5, 30))
    assert [o.source_uid for o in result.occurrences] == ["good-1", "nul-byte"]
    good = result.occurrences[0]
    assert good.title == "Bon événement"
    assert good.description == "Une longue description pliée sur deux lignes"
    text = "\n".join(result.warnings)
    assert "NUL byte" in text
    assert "event 'bad-start' (line 16)" in text and "DTSTART" in text
    assert "event 'bad-rule' (line 21)" in text and "RRULE" in text
    assert "event 'per-second'" in text and "every second" in text


def test_cap_on_occurrences_truncates_with_a_warning():
    daily = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:hourly\r\nDTSTART:20260101T000000Z\r\n"
        b"RRULE:FREQ=HOURLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = parse_ics(daily, now=at(2026, 3, 1), max_occurrences=100)
    assert result.truncated and len(result.occurrences) == 100
    assert any("only the first 100" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("data", "message", "kind"),
    [
        (b"", "empty", "empty"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "HTML", "not_ics"),
        (b'{"error": "not found"}', "JSON", "not_ics"),
        (b"just some text\n", "no BEGIN:VCALENDAR", "not_ics"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n", "truncated", "truncated"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "none of the 1 events",
         "invalid"),
    ],
)
def test_files_that_are_not_usable_calendars_raise_feed_error(data: bytes, message: str, kind: str):
    with pytest.raises(FeedError, match=message) as caught:
        parse_ics(data, now=at(2026, 1, 1))
    assert caught.value.kind == kind


def test_an_empty_calendar_is_a_valid_empty_result():
    result = parse_ics(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", now=at(2026, 1, 1))
    assert result.occurrences == () and not result.truncated


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_ics(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", now=datetime(2026, 1, 1))
