"""`maillage import ...`: bring venues (and, from bot/cli/import_*.py modules, other data) in from CSV.

`maillage import venues FILE.csv` reads columns slug, name, kind, partner_kind, city, latitude,
longitude, timezone, description, website (only slug, name and kind are required). Every row is
checked first, with the same rules as the configuration's [[venues]]; if any row is wrong, every
problem is printed with its line number and nothing is written. Re-importing updates venues by
slug and never duplicates them (join codes are kept). `--dry-run` says what would change.
`--from-cget` reads the national tiers-lieux open data (CGET 2019) instead, and converts it.

Other imports plug in without editing this file: a module `bot/cli/import_<what>.py` defining
`add_import_command(import_subparsers)` adds `maillage import <what>`.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import pkgutil
import sys
from dataclasses import fields
from pathlib import Path

from sqlalchemy import select

from bot.cli import config_from, run_async, with_database
from bot.config import VenueConfig
from bot.skills.normalize import normalize
from storage.models import Venue
from storage.venues import upsert_venue

COLUMNS = tuple(f.name for f in fields(VenueConfig))
REQUIRED = ("slug", "name", "kind")
FLOATS = ("latitude", "longitude")
MAX_LENGTHS = {"name": 200, "city": 120, "website": 300, "partner_kind": 20}  # the venues table's columns
EXIT_INVALID = 1
CGET_KINDS = {"Tiers lieux à dominante coworking": "coworking", "Tiers lieux à dominante fablab": "fablab"}


# -- reading ---------------------------------------------------------------------------------

def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line number, row) pairs of a venues CSV, and problems with the file itself."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        problems = [f"line 1: missing column(s): {', '.join(missing)}"] if missing else []
        if unknown:
            problems.append(f"line 1: unknown column(s): {', '.join(unknown)} (expected: {', '.join(COLUMNS)})")
        if problems:
            return [], problems
        reader.fieldnames = header
        return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader], []


def cget_rows(path: Path, limit: int | None = None, department: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """Rows of the CGET 2019 tiers-lieux file, converted to our columns (slug from name and town)."""
    rows: list[tuple[int, dict[str, str]]] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        for source in reader:
            if department and source.get("INSEEDEP", "").strip() != department:
                continue
            name, city = source["NOM_TL"].strip(), source["NOMCOM"].strip()
            slug = "-".join(normalize(f"{name} {city}").split())[:55].strip("-") or "lieu"
            if slug in seen:  # two places with the same name in one town: the file's id tells them apart
                slug = f"{slug}-{source['ID'].strip()}"
            seen.add(slug)
            website = source.get("WEB", "").strip()
            if website and "://" not in website:
                website = "https://" + website
            address = " ".join(p for p in (source.get("ADRESSE", "").strip(), source.get("CP", "").strip(), city) if p)
            rows.append((reader.line_num, {
                "slug": slug, "name": name, "kind": CGET_KINDS.get(source.get("TYPO", "").strip(), "tiers-lieu"),
                "city": city, "latitude": source.get("LAT", "").strip(), "longitude": source.get("LONG", "").strip(),
                "description": address, "website": website,
            }))
            if limit and len(rows) >= limit:
                break
    return rows


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
                values[column] = raw or (None if column in ("partner_kind", "timezone", "website") else "")
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


def _import_venues(args: argparse.Namespace) -> int:
    config = config_from(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"maillage: {path}: file not found", file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.from_cget:
            rows, problems = cget_rows(path, args.limit, args.department), []
        else:
            rows, problems = read_rows(path)
    except (UnicodeDecodeError, csv.Error, KeyError) as error:
        print(f"maillage: {path}: not a readable CSV file ({error})", file=sys.stderr)
        return EXIT_INVALID
    venues, more = validate(rows)
    problems += more
    if problems:
        print(f"maillage: {path}: {len(problems)} problem(s), nothing imported:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID

    async def work(session) -> tuple[int, int]:
        return await apply(session, venues, config.network.timezone, args.dry_run)

    counts = run_async(with_database(config, work))
    if counts is None:
        return EXIT_INVALID
    verb = "would create" if args.dry_run else "created"
    print(f"{verb} {counts[0]} venue(s), {'would update' if args.dry_run else 'updated'} {counts[1]}")
    return 0


# -- the `import` command group --------------------------------------------------------------

def _plugins() -> list:
    package = sys.modules["bot.cli"]
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if info.name.startswith("import_"))
    modules = [importlib.import_module(f"bot.cli.{name}") for name in names]
    return [module for module in modules if hasattr(module, "add_import_command")]


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("import", help="import venues or members from CSV files",
                                  description="Import data from CSV files. Every row is checked first: one bad "
                                              "row and nothing is written.")
    imports = group.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    venues = imports.add_parser("venues", help="create or update venues from a CSV file",
                                description="Create or update venues (by slug) from a CSV file with columns "
                                            f"{', '.join(COLUMNS)}; slug, name and kind are required.")
    venues.add_argument("file", help="the CSV file (UTF-8)")
    venues.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    venues.add_argument("--from-cget", action="store_true",
                        help="the file is the CGET 2019 tiers-lieux open data: convert its rows")
    venues.add_argument("--limit", type=int, help="with --from-cget: import at most this many places")
    venues.add_argument("--department", help="with --from-cget: only this département (e.g. 44)")
    venues.set_defaults(func=_import_venues)
    for module in _plugins():
        module.add_import_command(imports)
