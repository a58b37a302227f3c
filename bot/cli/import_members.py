"""`maillage import members FILE.csv [--dry-run] [--consent-source TEXT]`: members from a spreadsheet,
all or nothing.

Every row is checked first (columns, values, venues, identities, skills); if anything is wrong,
every problem is printed with its line number and nothing is written. The logic lives in
bot/imports/members.py; this module only reads the file and prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import config_from, run_async, with_database
from bot.imports.members import check, consent_source_problem, parse, write
from bot.imports.progress import Progress
from storage.models import utcnow

EXIT_INVALID = 1
EXIT_USAGE = 2
MAX_NOTES = 50  # a 10,000-row file can have thousands: the first ones show what is going on


def _import(args: argparse.Namespace) -> int:
    config = config_from(args)
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"maillage: cannot read {path}: {error}", file=sys.stderr)
        return EXIT_INVALID
    rows, problems = parse(text)
    if (why := consent_source_problem(rows, args.consent_source)) is not None:
        print(f"maillage: {path}: {why}", file=sys.stderr)
        return EXIT_USAGE

    async def work(session) -> int:
        plan = await check(session, rows, problems)
        for note in plan.notes[:MAX_NOTES]:
            print(f"note: {note}")
        if len(plan.notes) > MAX_NOTES:
            print(f"note: ... and {len(plan.notes) - MAX_NOTES} more (new custom skills, guessed skills)")
        if plan.problems:
            print(f"maillage: {path} has {len(plan.problems)} problem(s); nothing was imported:", file=sys.stderr)
            for problem in plan.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_INVALID
        if args.dry_run:
            for planned in plan.members:
                row = planned.row
                print(f"would import line {row.line}: {row.name} at {row.venue} ({row.visibility}, "
                      f"{len(planned.skills)} skill(s), {len(row.identities)} identity(ies))")
            print(f"dry run: {len(plan.members)} member(s) would be imported; nothing was written")
            return 0
        progress = Progress("importing members")
        try:
            created = await write(session, plan, utcnow(), consent_source=args.consent_source, progress=progress)
        finally:
            progress.finish()
        consented = sum(1 for planned in plan.members if planned.row.consent is not None)
        if consented:
            print(f"{consented} member(s) with consent from {args.consent_source!r}: listed and matched "
                  "by their choices before they claim their profile")
        print(f"imported {len(created)} member(s); `maillage members codes` lists their claim codes")
        return 0

    status = run_async(with_database(config, work))
    return EXIT_INVALID if status is None else status


def add_import_command(import_subparsers: argparse._SubParsersAction) -> None:
    members = import_subparsers.add_parser(
        "members", help="import members from a CSV file (all rows or none)",
        description="Import members from a CSV file with columns name, venue, offers, needs, interests, languages, "
                    "visibility, introductions, cadence and optionally identities (telegram:ID;discord:ID) and consent "
                    "(an ISO date: the day the person agreed elsewhere; requires --consent-source). "
                    "Lists are separated by ';'. Nothing is written unless every row is valid.")
    members.add_argument("file", help="the CSV file (UTF-8)")
    members.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    members.add_argument("--consent-source", metavar="TEXT",
                         help='where the people with a consent date agreed, e.g. "adhésion 2026 (formulaire '
                              'papier)": you attest it; required when the file has consent dates')
    members.set_defaults(func=_import)
