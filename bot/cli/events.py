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
    listing.add_argument("--from", dest="start", metavar="DATE", type=date.fromisoformat,
                         help="first day, YYYY-MM-DD (default: today)")
    listing.add_argument("--to", dest="end", metavar="DATE", type=date.fromisoformat,
                         help="last day included, YYYY-MM-DD (default: no limit)")
    listing.add_argument("--format", choices=("json", "table"), default="table")
    listing.set_defaults(func=_list)
    export = actions.add_parser("export", help="write the ICS files", description=(
        "Write network.ics and venue/<slug>.ics, the same files the web server serves."))
    export.add_argument("--out", metavar="DIR", default="calendars", help="directory (default: ./calendars)")
    export.set_defaults(func=_export)


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
    print(f"{'start':<25} {'end':<25} {'status':<9} {'source':<8} {'venues':<20} title")
    for row in rows:
        print(f"{row['start']:<25} {row['end']:<25} {row['status']:<9} {row['source']:<8} "
              f"{','.join(row['venues'])[:20]:<20} {row['title']}")
    return 0


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
