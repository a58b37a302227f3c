"""`maillage events list` (the programme as JSON or a table) and `maillage events export` (ICS files,
the same as the web server's /calendar/network.ics and /calendar/venue/{slug}.ics)."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.cli import config_from, run_async
from bot.clock import SystemClock
from bot.config import Config
from bot.events.queries import ProgrammeFilter, programme, venues_of
from bot.feeds.export import calendar_bytes, network_events, venue_events
from storage.db import Database
from storage.models.network import Venue


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    events = subparsers.add_parser("events", help="the programme: list it, export it as ICS",
                                   description="The network programme.")
    actions = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="print the programme", description=(
        "Print the programme: title, venues, start and end (ISO 8601 with offset), source, status."))
    listing.add_argument("--venue", metavar="SLUG", help="only this venue's events")
    listing.add_argument("--from", dest="start", metavar="DATE", type=day_argument,
                         help="first day: YYYY-MM-DD, DD/MM[/YYYY], today, tomorrow, a weekday, "
                              "in French too (aujourd'hui, demain, vendredi) (default: today)")
    listing.add_argument("--to", dest="end", metavar="DATE", type=day_argument,
                         help="last day included, same forms as --from (default: no limit)")
    listing.add_argument("--format", choices=("json", "table"), default="table")
    listing.set_defaults(func=_list)
    export = actions.add_parser("export", help="write the ICS files", description=(
        "Write network.ics and venue/<slug>.ics, the same files the web server serves."))
    export.add_argument("--out", metavar="DIR", default="calendars", help="directory (default: ./calendars)")
    export.set_defaults(func=_export)


RELATIVE_DAYS = {"today": 0, "aujourdhui": 0, "aujourd'hui": 0, "tomorrow": 1, "demain": 1}
WEEKDAYS = {word: number for number, words in enumerate((
    ("monday", "lundi"), ("tuesday", "mardi"), ("wednesday", "mercredi"), ("thursday", "jeudi"),
    ("friday", "vendredi"), ("saturday", "samedi"), ("sunday", "dimanche"))) for word in words}


def day_argument(text: str, today: date | None = None) -> date:
    """A day typed on the command line; argparse shows the error with the option's name."""
    today = today or date.today()
    word = text.strip().lower()
    if word in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[word])
    if word in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS[word] - today.weekday()) % 7)
    try:
        return date.fromisoformat(word)
    except ValueError:
        pass
    parts = word.split("/")
    try:
        if len(parts) in (2, 3):
            year = int(parts[2]) if len(parts) == 3 else today.year
            return date(year + 2000 if year < 100 else year, int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a day: try 2026-12-03, 03/12, today, demain or vendredi")


async def programme_rows(config: Config, venue: str | None, start: date | None, end: date | None,
                         now: datetime) -> list[dict] | str:
    """The programme as dicts, or an error message."""
    zone = ZoneInfo(config.network.timezone)
    first = datetime.combine(start or now.astimezone(zone).date(), time(), zone)
    last = datetime.combine(end + timedelta(days=1), time(), zone) if end else None
    db = Database(config.database.url)
    try:
        async with db.session() as session:
            venue_ids = None
            if venue is not None:
                found = (await session.execute(select(Venue.id).where(Venue.slug == venue))).scalar_one_or_none()
                if found is None:
                    return f"no venue with slug {venue!r}"
                venue_ids = frozenset({found})
            events = await programme(session, ProgrammeFilter(start=first, end=last, venue_ids=venue_ids,
                                                              include_cancelled=True))
            hosts = await venues_of(session, [e.id for e in events])
    finally:
        await db.dispose()
    rows = []
    for event in events:
        local = ZoneInfo(event.timezone)
        rows.append({
            "id": event.id, "title": event.title, "venues": [v.slug for v in hosts.get(event.id, [])],
            "start": event.starts_at.astimezone(local).isoformat(), "end": event.ends_at.astimezone(local).isoformat(),
            "all_day": event.all_day, "source": event.source, "status": event.status,
        })
    return rows


def _list(args: argparse.Namespace) -> int:
    rows = run_async(programme_rows(config_from(args), args.venue, args.start, args.end, SystemClock().now()))
    if isinstance(rows, str):
        print(f"maillage: {rows}")
        return 2
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(programme_table(rows))
    return 0


def programme_table(rows: list[dict]) -> str:
    """The programme as aligned columns, each as wide as its longest value (nothing is cut)."""
    header = ("start", "end", "status", "source", "venues", "title")
    cells = [header] + [(row["start"], row["end"], row["status"], row["source"] or "", ",".join(row["venues"]),
                         row["title"]) for row in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header) - 1)]
    return "\n".join(" ".join(value.ljust(width) for value, width in zip(line, widths)) + " " + line[-1]
                     for line in cells)


async def export_files(config: Config, out: Path, now: datetime) -> list[Path]:
    db = Database(config.database.url)
    written = []
    try:
        async with db.session() as session:
            out.mkdir(parents=True, exist_ok=True)
            path = out / "network.ics"
            path.write_bytes(await calendar_bytes(session, await network_events(session, now), config.network.name,
                                                  config.network.timezone, locale=config.network.default_locale))
            written.append(path)
            (out / "venue").mkdir(exist_ok=True)
            for venue in (await session.execute(select(Venue).order_by(Venue.slug))).scalars():
                path = out / "venue" / f"{venue.slug}.ics"
                path.write_bytes(await calendar_bytes(session, await venue_events(session, venue.id, now),
                                                      f"{venue.name} — {config.network.name}", venue.timezone,
                                                      locale=config.network.default_locale))
                written.append(path)
    finally:
        await db.dispose()
    return written


def _export(args: argparse.Namespace) -> int:
    for path in run_async(export_files(config_from(args), Path(args.out), SystemClock().now())):
        print(path)
    return 0
