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
import sys
from pathlib import Path

from bot.cli import config_from, run_async, with_database
from bot.imports.venues import COLUMNS, apply, cget_rows, read_rows, validate
from bot.plugins import modules_with

EXIT_INVALID = 1


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
    venues.add_argument("--department", help="with --from-cget: only this département (e.g. 44)")
    venues.set_defaults(func=_import_venues)
    for module in _plugins():
        module.add_import_command(imports)
