"""Venues from a CSV file in our columns (the national open data is converted by bot/imports/cget.py).

Every row is checked with the same rules as the configuration's [[venues]] (`validate`), and `apply`
upserts by slug, so a re-import updates and never duplicates (join codes are kept). The command
that reads the file and prints is `bot.cli.imports`.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from sqlalchemy import select

from bot.config import VenueConfig
from bot.imports.csv_reader import read_csv
from storage.models import Venue
from storage.venues import upsert_venue

COLUMNS = tuple(f.name for f in fields(VenueConfig))
REQUIRED = ("slug", "name", "kind")
FLOATS = ("latitude", "longitude")
MAX_LENGTHS = {"name": 200, "city": 120, "website": 300, "partner_kind": 20}  # the venues table's columns


# -- reading ---------------------------------------------------------------------------------

def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line number, row) pairs of a venues CSV, and problems with the file itself."""
    rows, problems = read_csv(path.read_text(encoding="utf-8-sig"), columns=COLUMNS, required=REQUIRED)
    return [(line, {k: (v or "").strip() for k, v in row.items() if k}) for line, row in rows], problems


def validate(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[VenueConfig], list[str]]:
    """Venues from rows, and every problem as "line N: column: what is wrong"."""
    venues: list[VenueConfig] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        values: dict[str, object] = {}
        row_problems = [f"line {line}: {c}: required" for c in REQUIRED if not row.get(c)]
        row_problems += [f"line {line}: {c}: longer than {n} characters" for c, n in MAX_LENGTHS.items()
                         if len(row.get(c, "")) > n]
        for column in COLUMNS:
            raw = row.get(column, "")
            if column in FLOATS:
                try:
                    values[column] = float(raw.replace(",", ".")) if raw else None
                except ValueError:
                    row_problems.append(f'line {line}: {column}: "{raw}" is not a number')
            else:
                values[column] = raw or (None if column in ("partner_kind", "timezone", "website", "hours") else "")
        if row_problems:
            problems += row_problems
            continue
        venue = VenueConfig(**values)  # type: ignore[arg-type]
        problems += [f"line {line}: {problem}" for problem in venue.problems()]
        if venue.slug in first_line:
            problems.append(f'line {line}: slug: "{venue.slug}" already used on line {first_line[venue.slug]}')
        first_line.setdefault(venue.slug, line)
        venues.append(venue)
    return venues, problems


# -- writing ---------------------------------------------------------------------------------

async def apply(session, venues: list[VenueConfig], default_timezone: str, dry_run: bool) -> tuple[int, int]:
    """(created, updated); with `dry_run`, only counted."""
    existing = set((await session.execute(select(Venue.slug))).scalars())
    created = sum(1 for venue in venues if venue.slug not in existing)
    if not dry_run:
        for venue in venues:
            await upsert_venue(session, venue, default_timezone)
    return created, len(venues) - created


