"""`maillage import ...`: bring venues (and, from bot/cli/import_*.py modules, other data) in from CSV.

`maillage import venues FILE.csv` reads columns slug, name, kind, partner_kind, city, latitude,
longitude, timezone, description, website, hours (only slug, name and kind are required; hours as
in the config, "Mo-Fr 09:00-18:00; Sa 10:00-13:00" or "lu-ve 9h-18h", an empty cell keeps what the
venue has). Every row is checked first, with the same rules as the configuration's [[venues]]; if any row is wrong, every
problem is printed with its line number and nothing is written. Re-importing updates venues by
slug and never duplicates them (join codes are kept). `--dry-run` says what would change.
`--from-cget` reads the national tiers-lieux open data (CGET 2019) instead (bot/imports/cget.py):
filtered by `--department`, `--region` or `--near LAT,LON --radius-km N`, imported venues are
unclaimed until a host claims them with a code, a re-import never duplicates, and the source is cited.

Other imports plug in without editing this file: a module `bot/cli/import_<what>.py` defining
`add_import_command(import_subparsers)` adds `maillage import <what>`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from bot.cli import config_from, run_async, with_database
from bot.imports.cget import AGE_WARNING, ATTRIBUTION, Near, apply_cget, parse_near, read_cget
from bot.imports.venues import COLUMNS, apply, read_rows, validate
from bot.plugins import modules_with
from storage.models import utcnow

EXIT_INVALID = 1
EXIT_USAGE = 2


def _import_venues(args: argparse.Namespace) -> int:
    config = config_from(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"maillage: {path}: file not found", file=sys.stderr)
        return EXIT_INVALID
    if args.from_cget:
        return _import_cget(args, config, path)
    if args.department or args.region or args.near:
        print("maillage: --department, --region and --near filter the CGET file: add --from-cget", file=sys.stderr)
        return EXIT_USAGE
    try:
        rows, problems = read_rows(path)
    except (UnicodeDecodeError, csv.Error, KeyError) as error:
        print(f"maillage: {path}: not a readable CSV file ({error})", file=sys.stderr)
        return EXIT_INVALID
    venues, more = validate(rows)
    problems += more
    if problems:
        return _refuse(path, problems)

    async def work(session) -> tuple[int, int]:
        return await apply(session, venues, config.network.timezone, args.dry_run)

    counts = run_async(with_database(config, work))
    if counts is None:
        return EXIT_INVALID
    verb = "would create" if args.dry_run else "created"
    print(f"{verb} {counts[0]} venue(s), {'would update' if args.dry_run else 'updated'} {counts[1]}")
    return 0


def _refuse(path: Path, problems: list[str]) -> int:
    print(f"maillage: {path}: {len(problems)} problem(s), nothing imported:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def _import_cget(args: argparse.Namespace, config, path: Path) -> int:
    near = None
    if args.near or args.radius_km is not None:
        if not (args.near and args.radius_km):
            print("maillage: --near LAT,LON and --radius-km N go together", file=sys.stderr)
            return EXIT_USAGE
        try:
            latitude, longitude = parse_near(args.near)
        except ValueError as error:
            print(f"maillage: --near: {error}", file=sys.stderr)
            return EXIT_USAGE
        if args.radius_km <= 0:
            print("maillage: --radius-km must be positive", file=sys.stderr)
            return EXIT_USAGE
        near = Near(latitude, longitude, args.radius_km)
    try:
        places, warnings = read_cget(path, limit=args.limit, department=args.department, region=args.region,
                                     near=near)
    except (UnicodeDecodeError, KeyError) as error:
        print(f"maillage: {path}: not the CGET tiers-lieux file ({error})", file=sys.stderr)
        return EXIT_INVALID
    except csv.Error as error:
        print(f"maillage: {path}: not readable as CSV ({error})", file=sys.stderr)
        return EXIT_INVALID
    print(f"warning: {AGE_WARNING}", file=sys.stderr)
    if not places:
        print("maillage: no place of the file passes the filters (check --department, --region, --near)",
              file=sys.stderr)
        return EXIT_INVALID
    venues, problems = validate([(place.line, place.row) for place in places])
    if problems:
        return _refuse(path, problems)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)

    async def work(session):
        return await apply_cget(session, places, venues, config.network.timezone, utcnow(), dry_run=args.dry_run)

    result = run_async(with_database(config, work))
    if result is None:
        return EXIT_INVALID
    would = "would " if args.dry_run else ""
    print(f"{would}create {len(result.created)} unclaimed venue(s), {would}update {len(result.updated)}, "
          f"{len(result.linked)} already in the network (same place, or claimed: left as they are)")
    if result.created and not args.dry_run:
        print("hosts claim their venue with /claim_venue CODE: `maillage venues claim-codes` lists the codes")
    print(ATTRIBUTION)
    return 0


# -- the `import` command group --------------------------------------------------------------

def _plugins() -> list:
    return modules_with("bot.cli", "add_import_command", prefix="import_")


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
    venues.add_argument("--department", help="with --from-cget: only this département (e.g. 44, 2A, 973)")
    venues.add_argument("--region", help="with --from-cget: only this region (INSEE code, e.g. 52, or name, "
                                         "e.g. \"Pays de la Loire\")")
    venues.add_argument("--near", metavar="LAT,LON", help="with --from-cget and --radius-km: only places around "
                                                           "this point (e.g. 47.218,-1.553)")
    venues.add_argument("--radius-km", type=float, metavar="N", help="with --near: the radius, in kilometres")
    venues.set_defaults(func=_import_venues)
    for module in _plugins():
        module.add_import_command(imports)
