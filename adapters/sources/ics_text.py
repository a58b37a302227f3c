"""Steps 1 and 2 of reading an ICS feed: bytes to repaired text, text to the blocks we parse.

Working on text before icalendar sees anything is what keeps big feeds cheap: components we never
read (VTODO, VALARM...) and properties we never use are dropped here, and single events that clearly
end before or start after the window are skipped without being parsed (see `ics.py`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date

from adapters.sources.model import FeedError, Warnings

_EVENT_PROPERTIES = frozenset(
    {
        "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "EXRULE",
        "RECURRENCE-ID", "SEQUENCE", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS",
        "CATEGORIES", "LAST-MODIFIED", "GEO",
    }
)  # fmt: skip: the properties we read; every other one is dropped before parsing
_BLOCKS = ("VEVENT", "VTIMEZONE")  # the components we read; everything else is skipped
_LEADING_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID")


# -- 1. bytes -> text ---------------------------------------------------------------------------


def decode(data: bytes, notes: Warnings) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        nul_count = data.count(b"\x00")
        if nul_count:
            notes.add(f"removed {nul_count} NUL byte(s) from the file")
            data = data.replace(b"\x00", b"")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            notes.add("the file is not valid UTF-8; it was read as Windows-1252")
            text = data.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfold content lines, keeping the physical number of each line's first row."""
    lines: list[tuple[int, str]] = []
    for number, row in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if row[:1] in (" ", "\t") and lines:
            first, previous = lines[-1]
            lines[-1] = (first, previous + row[1:])
        elif row.strip():
            lines.append((number, row))
    return lines


def not_a_calendar(text: str) -> FeedError:
    head = text.lstrip()[:200].lower()
    if not head:
        return FeedError("the file is empty", kind="empty")
    if head.startswith(("<!doctype", "<html", "<?xml", "<")):
        return FeedError("got an HTML/XML page instead of a calendar: check that the link is the ICS export",
                         kind="not_ics")
    if head.startswith(("{", "[")):
        return FeedError("got JSON instead of an iCalendar file", kind="not_ics")
    return FeedError("not an iCalendar file (no BEGIN:VCALENDAR line)", kind="not_ics")


# -- 2. text -> blocks ----------------------------------------------------------------------------


@dataclass(slots=True)
class Block:
    name: str
    line: int
    lines: list[str] = field(default_factory=list)
    first: dict[str, str] = field(default_factory=dict)  # property name -> its first line

    @property
    def uid(self) -> str:
        line = self.first.get("UID", "")
        return line.split(":", 1)[1].strip() if ":" in line else ""

    def label(self) -> str:
        uid = self.uid
        return f"event {uid!r} (line {self.line})" if uid else f"event at line {self.line}"


@dataclass(slots=True)
class Scan:
    header: dict[str, str] = field(default_factory=dict)
    timezones: list[Block] = field(default_factory=list)
    events: list[Block] = field(default_factory=list)
    skipped_outside_window: int = 0


def _property_name(line: str) -> str:
    end = len(line)
    for separator in (";", ":"):
        index = line.find(separator)
        if 0 <= index < end:
            end = index
    return line[:end].strip().upper()


def property_value(line: str) -> str:
    return line.split(":", 1)[1].strip() if ":" in line else ""


def scan_blocks(lines: list[tuple[int, str]], lo: date, hi: date, notes: Warnings) -> Scan:
    """Split the calendar into VTIMEZONE and VEVENT blocks; see the module docstring."""
    scan = Scan()
    in_calendar = False
    seen_calendar = False
    block: Block | None = None
    nested: list[str] = []  # components open inside the current block
    stray = 0
    for number, line in lines:
        name = _property_name(line)
        component = property_value(line).upper() if name in ("BEGIN", "END") else ""
        if not in_calendar:
            if name == "BEGIN" and component == "VCALENDAR":
                in_calendar = seen_calendar = True
            else:
                stray += 1
            continue
        if block is None:
            if name == "BEGIN" and component == "VCALENDAR":
                continue  # calendars pasted one into another: read them as one
            if name == "BEGIN":
                block = Block(component, number)
                nested = []
                if component in ("VTIMEZONE", "VEVENT"):
                    block.lines.append(line)
            elif name == "END":
                in_calendar = component != "VCALENDAR"
            elif name not in scan.header:
                scan.header[name] = line
            continue
        if (name == "BEGIN" and component in _BLOCKS) or (name == "END" and component == "VCALENDAR"):
            # The open block was never closed: drop it, and read on from this line.
            if block.name in _BLOCKS:
                notes.add(f"{block.name} at line {block.line} has no END:{block.name}; ignored")
            block = Block(component, number, [line]) if name == "BEGIN" else None
            nested = []
            in_calendar = name == "BEGIN"
        elif name == "BEGIN":
            nested.append(component)
            if block.name == "VTIMEZONE":
                block.lines.append(line)
        elif name == "END" and component in nested:
            del nested[nested.index(component) :]
            if block.name == "VTIMEZONE":
                block.lines.append(line)
        elif name == "END" and component == block.name and not nested:
            block.lines.append(line)
            _store(scan, block, lo, hi)
            block = None
        elif block.name == "VTIMEZONE":
            block.lines.append(line)
        elif block.name == "VEVENT" and not nested and name in _EVENT_PROPERTIES:
            block.lines.append(line)
            block.first.setdefault(name, line)
    if not seen_calendar:
        raise FeedError("not an iCalendar file (no BEGIN:VCALENDAR line)", kind="not_ics")
    if in_calendar:
        raise FeedError("the file ends before END:VCALENDAR: it looks truncated (interrupted download?)",
                        kind="truncated")
    if stray:
        notes.add(f"ignored {stray} line(s) outside BEGIN:VCALENDAR ... END:VCALENDAR")
    return scan


def _store(scan: Scan, block: Block, lo: date, hi: date) -> None:
    if block.name == "VTIMEZONE":
        scan.timezones.append(block)
    elif block.name == "VEVENT":
        if _clearly_outside(block, lo, hi):
            scan.skipped_outside_window += 1
        else:
            scan.events.append(block)


def _leading_date(line: str | None) -> date | None:
    if not line or ":" not in line:
        return None
    match = _LEADING_DATE.match(line.rsplit(":", 1)[1].strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _clearly_outside(block: Block, lo: date, hi: date) -> bool:
    """A single (non-recurring) event whose dates, read as text, miss the window by days."""
    if any(name in block.first for name in RECURRENCE_PROPERTIES):
        return False
    start = _leading_date(block.first.get("DTSTART"))
    if start is None:
        return False  # let the real parser report it
    if start > hi:
        return True
    if "DURATION" in block.first:
        return False
    end = _leading_date(block.first.get("DTEND")) or start
    return max(start, end) < lo
