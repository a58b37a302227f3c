"""parse_ics against every real-world ICS file in ../shared/data/ics: a result or a FeedError, fast.

The files come from the icalendar, recurring-ical-events and x-wr-timezone projects (some broken
on purpose: BOM, NUL bytes, lone CR, invalid values, truncated files).
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from adapters.sources.ics import parse_ics
from adapters.sources.model import FeedError, ParseResult

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ics"
FILES = sorted(CORPUS.rglob("*.ics")) if CORPUS.is_dir() else []
TODAY = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
# CPU seconds, not wall seconds: a loaded machine stretches wall time, not the work done. The bound
# catches a file that sends the parser into an endless expansion (the slowest file takes ~0.3 s).
CPU_SECONDS_PER_FILE = 5.0
UTC = timezone.utc

pytestmark = pytest.mark.skipif(not FILES, reason=f"shared ICS corpus not found at {CORPUS}")


def first_start(data: bytes) -> datetime | None:
    """A `now` inside the file's own dates: the first VEVENT DTSTART, read as text."""
    event = data.find(b"BEGIN:VEVENT")
    match = re.search(rb"DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})", data[event:] if event >= 0 else data)
    if not match:
        return None
    try:
        return datetime(*(int(group) for group in match.groups()), tzinfo=UTC) + timedelta(hours=12)
    except ValueError:
        return None


def parse_or_feed_error(data: bytes, now: datetime, horizon_days: int) -> ParseResult | FeedError:
    started = time.process_time()
    try:
        outcome: ParseResult | FeedError = parse_ics(data, now=now, horizon_days=horizon_days)
    except FeedError as error:
        assert str(error) and "Traceback" not in str(error)
        outcome = error
    elapsed = time.process_time() - started
    assert elapsed < CPU_SECONDS_PER_FILE, f"took {elapsed:.2f} s of CPU"
    return outcome


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_every_corpus_file_gives_a_result_or_a_feed_error(path: Path):
    data = path.read_bytes()
    nows = [(TODAY, 90)]
    inside = first_start(data)
    if inside is not None:
        nows.append((inside, 400))
    for now, horizon in nows:
        outcome = parse_or_feed_error(data, now, horizon)
        if isinstance(outcome, ParseResult):
            for occurrence in outcome.occurrences:
                assert occurrence.start <= occurrence.end
                assert outcome.window_start < occurrence.end and occurrence.start < outcome.window_end


def test_most_corpus_calendars_yield_real_occurrences_when_now_is_inside_them():
    with_occurrences = errors = 0
    for path in FILES:
        data = path.read_bytes()
        inside = first_start(data)
        outcome = parse_or_feed_error(data, inside or TODAY, 400)
        errors += isinstance(outcome, FeedError)
        with_occurrences += isinstance(outcome, ParseResult) and bool(outcome.occurrences)
    # 274 files: ~55 are fragments without VCALENDAR, alarms, todos or deliberately broken.
    assert with_occurrences >= 180, with_occurrences  # 183 of 274 when written
    assert errors <= 65, errors  # 61 when written


@pytest.mark.parametrize(
    "name",
    [
        "icalendar/calendars/big_bad_calendar.ics",
        "icalendar/calendars/fuzz_testcase_0_char_in_component_name.ics",
        "icalendar/calendars/fuzz_testcase_invalid_month.ics",
        "icalendar/calendars/fuzz_testcase_vtimezone_lone_cr.ics",
        "icalendar/calendars/broken_dtstart.ics",
        "icalendar/todos/example.ics",
    ],
)
def test_broken_or_eventless_files_are_rejected_with_a_clear_message(name: str):
    with pytest.raises(FeedError) as caught:
        parse_ics((CORPUS / name).read_bytes(), now=TODAY)
    assert len(str(caught.value)) < 300


def test_partly_broken_calendar_keeps_its_good_events():
    result = parse_ics((CORPUS / "icalendar/calendars/parsing_error.ics").read_bytes(), now=datetime(2008, 3, 4, tzinfo=UTC))
    assert result.occurrences
    assert any("line 13" in w and "EXDATE" in w for w in result.warnings)


def test_bom_calendar_is_an_empty_valid_calendar():
    result = parse_ics((CORPUS / "icalendar/calendars/bom_calendar.ics").read_bytes(), now=TODAY)
    assert result.occurrences == ()


X_WR_PAIRS = sorted((CORPUS / "x-wr-timezone").glob("*.in.ics")) if FILES else []


@pytest.mark.parametrize("source", X_WR_PAIRS, ids=[p.name for p in X_WR_PAIRS])
def test_x_wr_timezone_input_reads_like_its_rfc_5545_rewrite(source: Path):
    expected_path = source.with_name(source.name.replace(".in.ics", ".out.ics"))
    data, expected = source.read_bytes(), expected_path.read_bytes()
    now = first_start(data) or TODAY

    def rows(payload: bytes) -> list[tuple]:
        result = parse_ics(payload, now=now, horizon_days=400)
        # UIDs made up for events without one derive from the text, which the rewrite changes.
        return [
            ("" if o.source_uid.startswith("no-uid-") else o.source_uid, o.recurrence_id, o.start, o.end, o.all_day, o.title)
            for o in result.occurrences
        ]

    assert rows(data) == rows(expected)


def test_real_feed_exdate_removes_one_weekly_occurrence():
    data = (CORPUS / "recurring-ical-events/each_week_but_one_deleted.ics").read_bytes()
    result = parse_ics(data, now=datetime(2019, 3, 3, tzinfo=UTC), horizon_days=90)
    starts = [o.start for o in result.occurrences]
    assert len(starts) == 7  # COUNT=8 minus one EXDATE
    assert datetime(2019, 3, 10, 23, 30, tzinfo=UTC) not in starts


def test_real_feed_cancelled_recurrence_is_kept_as_cancelled():
    data = (CORPUS / "recurring-ical-events/issue_18_cancel_status.ics").read_bytes()
    result = parse_ics(data, now=datetime(2020, 1, 28, tzinfo=UTC), horizon_days=10)
    assert [o.status for o in result.occurrences] == ["confirmed", "cancelled", "confirmed"]


def test_real_feed_moved_occurrences_keep_their_original_recurrence_id():
    data = (CORPUS / "recurring-ical-events/recurring_events_moved.ics").read_bytes()
    result = parse_ics(data, now=datetime(2019, 3, 7, tzinfo=UTC), horizon_days=20)
    moved = {o.recurrence_id: o for o in result.occurrences if o.source_uid.startswith("a0c78729")}
    # 9 March 02:00 Berlin (01:00Z) was moved to 03:00 Berlin; the key stays the original start.
    assert moved["2019-03-09T01:00:00+00:00"].start == datetime(2019, 3, 9, 2, tzinfo=UTC)
    edited = [o for o in result.occurrences if o.title == "test7 - edited"]
    assert [o.recurrence_id for o in edited] == ["2019-03-19T03:00:00+00:00"]
