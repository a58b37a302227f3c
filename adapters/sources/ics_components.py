"""Steps 3 and 4 of reading an ICS feed: the scanned blocks become icalendar components, one at a
time, so a broken event costs only itself (a warning naming its UID and line), and the calendar's
own time zone (X-WR-TIMEZONE) is found.
"""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event, Timezone
from icalendar.parser.content_line import Contentline
from icalendar.parser.parameter import Parameters

from adapters.sources.ics_text import Block, Scan, property_value
from adapters.sources.model import Warnings

_DATE_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_TOO_FREQUENT = re.compile(r"FREQ=(SECONDLY|MINUTELY)", re.IGNORECASE)


# -- 3./4. blocks -> components ------------------------------------------------------------------


class _HeadParsedLine(Contentline):
    """A content line whose name and parameters are split by scanning only the part before the value.

    icalendar finds the name/value separators with a per-character loop over the whole line,
    long DESCRIPTIONs included (a third of the parse time of a typical feed). When the text
    before the first colon holds no quote or backslash, that colon is the value separator, so
    running the same code on that head alone gives the same name and parameters. Heads repeat
    ("DTSTART;TZID=Europe/Paris", "SUMMARY"), so their split is kept in `_HEADS` (per process,
    bounded); each line gets its own copy of the parameters, as icalendar would give it.
    """

    def raw_parts(self):  # type: ignore[no-untyped-def]
        colon = self.find(":")
        head = self[: colon + 1]
        if colon < 0 or '"' in head or "\\" in head:
            return super().raw_parts()
        key = (str(head), self.strict)
        split = _HEADS.get(key)
        if split is None:
            name, params, _ = Contentline(head, strict=self.strict).raw_parts()
            if any(not isinstance(value, str) for value in params.values()):
                return name, params, self[colon + 1 :]  # list values are mutable: not shared
            if len(_HEADS) >= _HEADS_LIMIT:
                _HEADS.clear()
            split = _HEADS[key] = (name, params)
        name, params = split
        return name, params.copy(), self[colon + 1 :]


_HEADS: dict[tuple[str, bool], tuple[str, Parameters]] = {}
_HEADS_LIMIT = 4096


def parse_components(scan: Scan, notes: Warnings) -> tuple[list[tuple[Block, Event]], str]:
    """Parse VTIMEZONEs then VEVENTs one by one; return the readable events and the first problem."""
    for block in scan.timezones:  # first: parsing one registers it for the events' TZIDs
        try:
            Timezone.from_ical("\r\n".join(block.lines))
        except Exception as exc:  # noqa: BLE001 - any failure just loses this definition
            notes.add(f"time zone definition at line {block.line} is invalid and was ignored: {exc}")
    parsed: list[tuple[Block, Event]] = []
    problems: list[str] = []
    for block in scan.events:
        try:
            # icalendar's parser takes ready content lines as well as text (already unfolded here).
            event = Event.from_ical([_HeadParsedLine(line) for line in block.lines])
        except Exception as exc:  # noqa: BLE001 - contained to this one event
            problems.append(f"{block.label()} could not be read and was skipped: {exc}")
            notes.add(problems[-1])
            continue
        problem = _date_problem(event)
        if problem:
            problems.append(f"{block.label()} was skipped: {problem}")
            notes.add(problems[-1])
            continue
        parsed.append((block, event))
    return parsed, problems[0] if problems else ""


def _date_problem(event: Event) -> str | None:
    """Why the event's dates cannot be trusted, if they cannot."""
    broken = {name: message for name, message in event.errors if name in _DATE_PROPERTIES}
    if broken:
        return "; ".join(f"invalid {name} ({message})" for name, message in broken.items())
    start = event.get("DTSTART")
    if start is None or not isinstance(getattr(start, "dt", None), date):
        return "no DTSTART"
    for name in ("DTEND", "RECURRENCE-ID"):
        if name in event and not isinstance(getattr(event[name], "dt", None), date):
            return f"{name} is not a date"
    rrules = event.get("RRULE")
    for rrule in rrules if isinstance(rrules, list) else [rrules] if rrules is not None else []:
        if _TOO_FREQUENT.search(rrule.to_ical().decode("ascii", "replace")):
            return "it repeats every second or minute"
    return None


def calendar_zone(scan: Scan, floating_tz: ZoneInfo, notes: Warnings) -> ZoneInfo | None:
    """The zone named by X-WR-TIMEZONE, if the feed declares a valid one."""
    line = scan.header.get("X-WR-TIMEZONE")
    if not line:
        return None
    name = property_value(line)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        notes.add(f"unknown X-WR-TIMEZONE {name!r}; using {floating_tz.key}")
        return None
