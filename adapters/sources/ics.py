"""Read an iCalendar feed into `FeedOccurrence`s: recurrences expanded over a window, damage contained.

Pipeline, and why each step:
1. bytes -> text: BOM, NUL bytes, CRLF / lone CR and non-UTF-8 files are repaired with a warning.
2. text -> blocks: the VTIMEZONEs and VEVENTs of every VCALENDAR in the file, each with its line
   number. Other components (VTODO, VJOURNAL, VALARM...) and properties we never read (ATTENDEE,
   X-...) are dropped here, and single events that clearly end before or start after the window
   are skipped: icalendar costs ~30 µs per content line, and real feeds carry years of history.
3. blocks -> icalendar components, parsed one at a time so a broken event becomes a warning
   naming its UID and line instead of sinking the feed.
4. X-WR-TIMEZONE (Google) is made standard with x_wr_timezone.to_standard.
5. One recurring-ical-events `Series` per UID expands RRULE/RDATE/EXDATE and RECURRENCE-ID
   overrides over the window; occurrences are turned into UTC `FeedOccurrence`s.

Steps 1 and 2 live in `ics_text.py`, steps 3 and 4 in `ics_components.py`. Only `FeedError` ever leaves `parse_ics`: for a file that is not a calendar, is truncated, or
none of whose events can be read.
"""

from __future__ import annotations

import hashlib
import logging
import warnings as py_warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import x_wr_timezone
from icalendar import Calendar, Event
from icalendar.timezone import tzid_from_tzinfo
from recurring_ical_events import EventAdapter, Occurrence, Series

from adapters.sources.ics_components import calendar_zone, parse_components
from adapters.sources.ics_text import (
    RECURRENCE_PROPERTIES,
    Block,
    decode,
    logical_lines,
    not_a_calendar,
    property_value,
    scan_blocks,
)
from adapters.sources.model import FeedError, FeedOccurrence, OccurrenceStatus, ParseResult, Warnings

log = logging.getLogger(__name__)

DEFAULT_MAX_OCCURRENCES = 5000
DEFAULT_EVENT_DURATION = timedelta(hours=1)  # a timed event with neither DTEND nor DURATION
UTC = timezone.utc

# Slack for the text-level prefilter: time zones reach ±14 h and dates are compared, not times.
_PREFILTER_MARGIN = timedelta(days=2)


def parse_ics(
    data: bytes,
    *,
    now: datetime,
    horizon_days: int = 90,
    default_tz: str = "Europe/Paris",
    max_occurrences: int = DEFAULT_MAX_OCCURRENCES,
) -> ParseResult:
    """Expand the VEVENTs of an iCalendar file over [now - 1 day, now + horizon_days].

    Args:
        data: the raw file, as fetched.
        now: an aware datetime (the injected clock).
        horizon_days: how far ahead recurrences are expanded.
        default_tz: IANA zone for floating times, and for all-day events unless the feed
            declares X-WR-TIMEZONE.
        max_occurrences: cap per feed; beyond it the result is `truncated` with a warning.

    Raises:
        FeedError: the file is not a calendar, is truncated, or none of its events is readable.
    """
    if now.tzinfo is None:
        raise ValueError("parse_ics needs an aware `now`")
    try:
        floating_tz = ZoneInfo(default_tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown default time zone {default_tz!r}") from exc
    window_start = now.astimezone(UTC) - timedelta(days=1)
    window_end = now.astimezone(UTC) + timedelta(days=horizon_days)
    notes = Warnings()
    try:
        with py_warnings.catch_warnings(record=True) as caught:
            py_warnings.simplefilter("always")
            result = _parse(data, window_start, window_end, floating_tz, max_occurrences, notes)
        for warning in caught:
            notes.add(f"note: {warning.message}")
    except FeedError:
        raise
    except Exception as exc:  # a library bug must not take the sync down: report, keep last events
        log.exception("unexpected error while reading a calendar feed")
        raise FeedError(f"the calendar could not be read ({type(exc).__name__}: {exc})", kind="invalid") from exc
    occurrences, truncated, name = result
    return ParseResult(
        occurrences=tuple(occurrences),
        warnings=notes.as_tuple(),
        window_start=window_start,
        window_end=window_end,
        truncated=truncated,
        calendar_name=name,
    )


# -- 5. series -> occurrences -------------------------------------------------------------------


class _SourcedOccurrence(Occurrence):
    """An occurrence that remembers which adapter (hence which component) it came from."""

    def __init__(self, adapter, start=None, end=None, sequence=-1):  # type: ignore[no-untyped-def]
        super().__init__(adapter, start, end, sequence)
        self.source = adapter


class _Series(Series):
    occurrence = _SourcedOccurrence


@dataclass(frozen=True, slots=True)
class _Content:
    title: str
    description: str
    location: str
    url: str
    status: OccurrenceStatus
    updated: datetime | None
    categories: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    end_missing: bool


@dataclass(slots=True)
class _Expander:
    window_start: datetime
    window_end: datetime
    floating_tz: ZoneInfo
    all_day_tz: ZoneInfo
    limit: int
    notes: Warnings
    out: list[FeedOccurrence] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)
    contents: dict[int, _Content] = field(default_factory=dict)  # id(event) -> its content
    truncated: bool = False

    def expand(self, uid: str, label: str, events: list[Event]) -> None:
        if len(events) == 1 and not any(name in events[0] for name in RECURRENCE_PROPERTIES):
            event = events[0]
            start = event["DTSTART"].dt
            self._add(uid, "", event, start, _end_of(event, start))
            return
        adapters = [EventAdapter(event) for event in events]
        events_by_adapter = {id(adapter): event for adapter, event in zip(adapters, events)}
        recurring = len(events) > 1 or any(name in events[0] for name in RECURRENCE_PROPERTIES)
        margin = timedelta(days=1)  # the library compares floating/all-day times loosely
        try:
            series = _Series(adapters)
            found = series.between(self.window_start - margin, self.window_end + margin)
            for occurrence in found:  # bounded: the library lists the window's starts
                event = events_by_adapter[id(occurrence.source)]
                rid = _recurrence_id(occurrence, event, self.floating_tz) if recurring else ""
                if not self._add(uid, rid, event, occurrence.start, occurrence.end):
                    return
        except Exception as exc:  # noqa: BLE001 - a bad series costs only itself
            self.notes.add(f"{label}: its recurrence could not be expanded and was skipped: {exc}")

    def _add(self, uid: str, rid: str, event: Event, start: date, end: date | None) -> bool:
        """Append one occurrence if it falls in the window; False once the cap is reached."""
        content = self.contents.get(id(event))
        if content is None:  # events outlive the expander: their ids stay unique meanwhile
            content = self.contents[id(event)] = _content(event)
        span = _utc_span(start, end, content.end_missing, self.floating_tz, self.all_day_tz)
        begin, finish, zone, all_day = span
        if not (finish > self.window_start and begin < self.window_end):
            return True
        if (uid, rid) in self.keys:
            return True  # the same instance twice in a feed: the first one wins
        if len(self.out) >= self.limit:
            self.truncated = True
            return False
        self.keys.add((uid, rid))
        self.out.append(
            FeedOccurrence(
                source_uid=uid, recurrence_id=rid, title=content.title, start=begin, end=finish,
                description=content.description, location=content.location, url=content.url,
                timezone=zone, all_day=all_day, status=content.status, updated=content.updated,
                categories=content.categories, latitude=content.latitude,
                longitude=content.longitude,
            )
        )  # fmt: skip
        return True


def _end_of(event: Event, start: date) -> date | None:
    if "DTEND" in event:
        return event["DTEND"].dt
    if "DURATION" in event:
        return start + event["DURATION"].dt
    return None


def _recurrence_id(occurrence: _SourcedOccurrence, event: Event, floating_tz: ZoneInfo) -> str:
    adapter = occurrence.source
    if "RECURRENCE-ID" in event and not adapter.this_and_future:
        original = event["RECURRENCE-ID"].dt
    else:
        original = occurrence.start - adapter.move_recurrences_by
    if isinstance(original, datetime):
        if original.tzinfo is None:
            original = original.replace(tzinfo=floating_tz)
        return original.astimezone(UTC).isoformat()
    return original.isoformat()


def _utc_span(
    start: date, end: date | None, end_missing: bool, floating_tz: ZoneInfo, all_day_tz: ZoneInfo
) -> tuple[datetime, datetime, str | None, bool]:
    """(start, end) in UTC, the IANA zone name, and whether the occurrence is all-day."""
    if not isinstance(start, datetime):
        begin = datetime.combine(start, time(), all_day_tz).astimezone(UTC)
        if isinstance(end, datetime):
            finish = _aware(end, all_day_tz).astimezone(UTC)
        elif isinstance(end, date):
            finish = datetime.combine(end, time(), all_day_tz).astimezone(UTC)
        else:
            finish = begin
        if end_missing or finish <= begin:
            finish = datetime.combine(start + timedelta(days=1), time(), all_day_tz).astimezone(UTC)
        return begin, finish, all_day_tz.key, True
    local = _aware(start, floating_tz)
    begin = local.astimezone(UTC)
    if end is None or end_missing:
        finish = begin + DEFAULT_EVENT_DURATION
    elif isinstance(end, datetime):
        finish = _aware(end, local.tzinfo).astimezone(UTC)
    else:
        finish = datetime.combine(end, time(), local.tzinfo).astimezone(UTC)
    if finish < begin:
        begin, finish = finish, begin
    zone = None if start.tzinfo is None else _iana_name(start.tzinfo)
    return begin, finish, zone, False


def _aware(value: datetime, zone) -> datetime:  # type: ignore[no-untyped-def]
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


@lru_cache(maxsize=1)
def _iana_keys() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=256)
def _iana_name(tzinfo) -> str | None:  # type: ignore[no-untyped-def]
    """The IANA name of a zone, or None for UTC and zones that have no IANA name."""
    name = getattr(tzinfo, "key", None) or tzid_from_tzinfo(tzinfo)
    if not name or name in ("UTC", "Etc/UTC", "Etc/GMT", "GMT", "Z"):
        return None
    return name if name in _iana_keys() else None


_STATUS: dict[str, OccurrenceStatus] = {"CANCELLED": "cancelled", "TENTATIVE": "tentative"}


def _content(event: Event) -> _Content:
    updated = event.get("LAST-MODIFIED")
    updated_dt = getattr(updated, "dt", None)
    if isinstance(updated_dt, datetime):
        updated_dt = _aware(updated_dt, UTC).astimezone(UTC)
    else:
        updated_dt = None
    geo = event.get("GEO")
    content = _Content(
        title=_text(event, "SUMMARY"),
        description=_text(event, "DESCRIPTION"),
        location=_text(event, "LOCATION"),
        url=_text(event, "URL"),
        status=_STATUS.get(_text(event, "STATUS").upper(), "confirmed"),
        updated=updated_dt,
        categories=_categories(event.get("CATEGORIES")),
        latitude=getattr(geo, "latitude", None),
        longitude=getattr(geo, "longitude", None),
        end_missing="DTEND" not in event and "DURATION" not in event,
    )
    return content


def _text(event: Event, name: str) -> str:
    value = event.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value).strip()


def _categories(value: object) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value] if value is not None else []
    names: dict[str, None] = {}
    for item in values:
        for category in getattr(item, "cats", None) or []:
            text = str(category).strip()
            if text:
                names.setdefault(text, None)
    return tuple(names)


# -- orchestration ------------------------------------------------------------------------------


def _parse(
    data: bytes,
    window_start: datetime,
    window_end: datetime,
    floating_tz: ZoneInfo,
    limit: int,
    notes: Warnings,
) -> tuple[list[FeedOccurrence], bool, str | None]:
    text = decode(data, notes)
    upper = text.upper()
    if "BEGIN:VCALENDAR" not in upper:
        if not upper.lstrip().startswith("BEGIN:VEVENT"):
            raise not_a_calendar(text)
        notes.add("the events are not wrapped in BEGIN:VCALENDAR ... END:VCALENDAR; read them anyway")
        text = f"BEGIN:VCALENDAR\n{text}\nEND:VCALENDAR"
    lo = (window_start - _PREFILTER_MARGIN).date()
    hi = (window_end + _PREFILTER_MARGIN).date()
    scan = scan_blocks(logical_lines(text), lo, hi, notes)
    log.debug("%d single events outside the window skipped unparsed", scan.skipped_outside_window)
    parsed, first_problem = parse_components(scan, notes)
    if scan.events and not parsed:
        raise FeedError(
            f"none of the {len(scan.events)} events in the calendar could be read (first problem: {first_problem})",
            kind="invalid",
        )
    zone = calendar_zone(scan, floating_tz, notes)
    events = _standardise(parsed, zone, notes)
    expander = _Expander(window_start, window_end, floating_tz, zone or floating_tz, limit, notes)
    for uid, label, group in _group_by_uid(events, notes):
        expander.expand(uid, label, group)
        if expander.truncated:
            break
    if expander.truncated:
        notes.add(f"more than {limit} occurrences in the window: only the first {limit} were kept")
    name_line = scan.header.get("X-WR-CALNAME") or scan.header.get("NAME")
    occurrences = sorted(expander.out, key=lambda o: (o.start, o.source_uid, o.recurrence_id))
    return occurrences, expander.truncated, property_value(name_line) if name_line else None


def _standardise(
    parsed: list[tuple[Block, Event]], zone: ZoneInfo | None, notes: Warnings
) -> list[tuple[Block, Event]]:
    """Apply X-WR-TIMEZONE: UTC and floating times move into the calendar's zone."""
    if zone is None or not parsed:
        return parsed
    calendar = Calendar()
    for _, event in parsed:
        calendar.add_component(event)
    try:
        standard = x_wr_timezone.to_standard(calendar, timezone=zone)
    except Exception as exc:  # noqa: BLE001
        notes.add(f"X-WR-TIMEZONE could not be applied ({exc}); times kept as written")
        return parsed
    # to_standard keeps the order of the components, copying only the ones it changed.
    return [(block, event) for (block, _), event in zip(parsed, standard.subcomponents)]


def _group_by_uid(
    parsed: Iterable[tuple[Block, Event]], notes: Warnings
) -> Iterator[tuple[str, str, list[Event]]]:
    groups: dict[str, tuple[str, list[Event]]] = {}
    for block, event in parsed:
        uid = str(event.get("UID", "")).strip()
        if not uid:
            # Stable across fetches while the event keeps its start and title.
            basis = f"{block.first.get('DTSTART', '')}\n{block.first.get('SUMMARY', '')}"
            digest = hashlib.blake2b(basis.encode(), digest_size=8).hexdigest()
            uid = f"no-uid-{digest}"
            notes.add(f"{block.label()} has no UID; it was given {uid!r}")
        groups.setdefault(uid, (block.label(), []))[1].append(event)
    for uid, (label, events) in groups.items():
        yield uid, label, events
