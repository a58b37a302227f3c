"""Benchmark: parse 100 ICS feeds of 200 events each (a third recurring weekly), parse only.

Target (issue 4): importing them all takes < 10 s, so parsing must leave room for the database.
Run: ``python -m bench.bench_feeds_parse [--feeds 100] [--events 200]`` (or the file); prints a
table. CPU time is given too: on a shared machine it is steadier than the wall clock.

Scenarios: "all upcoming" puts every event inside the 90-day horizon (the worst case); "a year
of history" spreads them over the past and next six months, like a real calendar export, where
past single events are skipped before the costly parse.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_feeds_parse.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.sources.ics import parse_ics  # noqa: E402
from bench.guard import require  # noqa: E402

NOW = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


def make_feed(venue: int, events: int, *, first_day: int, span_days: int) -> bytes:
    """A Google-like export: VTIMEZONE, DTSTAMP, description, location, categories, alarms."""
    base = NOW.replace(tzinfo=None, hour=18, minute=30) + timedelta(days=first_day)
    parts = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nX-WR-CALNAME:Lieu\r\n", VTIMEZONE]
    for n in range(events):
        start = base + timedelta(days=(n * 37) % span_days, hours=n % 4)
        end = start + timedelta(hours=2)
        parts.append(
            f"BEGIN:VEVENT\r\nUID:ev-{venue}-{n}@bench.example\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}\r\nDTEND;TZID=Europe/Paris:{end:%Y%m%dT%H%M%S}\r\n"
            f"SUMMARY:Atelier {n} du lieu {venue}\r\n"
            f"DESCRIPTION:Atelier ouvert à toutes et tous\\, sur inscription. Apportez vos proje\r\n"
            f" ts et votre bonne humeur !\\nPlus d'infos sur le site du lieu.\r\n"
            f"LOCATION:Tiers-lieu {venue}\\, 12 rue de la République\\, 69001 Lyon\r\n"
            f"URL:https://lieu-{venue}.example/agenda/{n}\r\nCATEGORIES:atelier,numérique\r\n"
            f"LAST-MODIFIED:20260101T000000Z\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\n"
            + ("RRULE:FREQ=WEEKLY\r\n" if n % 3 == 0 else "")
            + "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT30M\r\nDESCRIPTION:Rappel\r\nEND:VALARM\r\n"
            "END:VEVENT\r\n"
        )
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode()


def parse_count(data: bytes) -> int:
    return len(parse_ics(data, now=NOW).occurrences)


def run(label: str, feeds: list[bytes], workers: int) -> tuple[str, int, float, float | None, int]:
    """Wall time, and CPU time of this process (meaningful with one process on a shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    if workers == 1:
        counts = [parse_count(feed) for feed in feeds]
    else:
        with ProcessPoolExecutor(workers) as pool:
            counts = list(pool.map(parse_count, feeds, chunksize=max(1, len(feeds) // (workers * 4))))
    cpu_seconds = time.process_time() - cpu if workers == 1 else None
    return label, workers, time.perf_counter() - started, cpu_seconds, sum(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    upcoming = [make_feed(v, args.events, first_day=0, span_days=85) for v in range(args.feeds)]
    history = [make_feed(v, args.events, first_day=-182, span_days=365) for v in range(args.feeds)]
    parse_count(upcoming[0])  # warm caches (zoneinfo, icalendar factories) outside the timings
    rows = [
        run("all upcoming", upcoming, 1),
        run("all upcoming", upcoming, 2),
        run("a year of history", history, 1),
    ]
    for label, _, _, _, occurrences in rows:
        require(occurrences, f"occurrences parsed ({label})")
    size = sum(map(len, upcoming)) / len(upcoming) / 1024
    print(f"{args.feeds} feeds x {args.events} events (1/3 weekly), ~{size:.0f} KB each, horizon 90 days")
    print(f"{'scenario':<20} {'processes':>9} {'wall s':>7} {'CPU s':>6} {'ms/feed':>8} {'occurrences':>12}")
    for label, workers, seconds, cpu, occurrences in rows:
        cpu_text = f"{cpu:.2f}" if cpu is not None else "-"
        print(f"{label:<20} {workers:>9} {seconds:>7.2f} {cpu_text:>6} {seconds * 1000 / args.feeds:>8.1f} {occurrences:>12}")


if __name__ == "__main__":
    main()
