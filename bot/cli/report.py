"""`maillage report`: the network's report for funders, as one printable HTML file, CSV or JSON.

    maillage report [--from 2026-09-01 --to 2026-11-30] [--venue SLUG] [--format html|csv|json]
                    [--lang fr|en] [-o FILE]

Without dates: the three whole calendar months before this one. Each figure comes with the
previous period of the same length. Counts under [report] min_count people read "< 5".
`maillage report aggregate` closes the days not closed yet (what the nightly job does).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from bot.cli import config_from, run_async
from bot.config import Config

EXIT_USAGE = 2


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day as YYYY-MM-DD (e.g. 2026-09-01)") from None


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report", help="the network's report for funders (HTML, CSV or JSON)",
        description="Write the network's report for a period (default: the last three whole months), each figure "
                    "against the previous period of the same length, small counts of people suppressed. "
                    "`maillage report aggregate` closes the days not closed yet, as the nightly job does.")
    report.add_argument("action", nargs="?", choices=["aggregate"], help="aggregate: close the days still open")
    report.add_argument("--from", dest="first", type=_day, metavar="DAY", help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="last", type=_day, metavar="DAY", help="last day included, YYYY-MM-DD")
    report.add_argument("--venue", metavar="SLUG", help="one venue's report instead of the network's")
    report.add_argument("--format", choices=["html", "csv", "json"], default="html", help="default html")
    report.add_argument("--lang", choices=["fr", "en"], help="language (default: the network's)")
    report.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")
    report.add_argument("--at", help=argparse.SUPPRESS)  # "now", for tests and demos (ISO datetime)
    report.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    config = config_from(args)
    if (args.first is None) != (args.last is None):
        print("maillage report: give both --from and --to, or neither (the last three whole months)", file=sys.stderr)
        return EXIT_USAGE
    now = datetime.now(timezone.utc)
    if args.at:
        try:
            now = datetime.fromisoformat(args.at).astimezone(timezone.utc)
        except ValueError:
            print(f"maillage report: --at {args.at!r} is not an ISO datetime", file=sys.stderr)
            return EXIT_USAGE
    return run_async(_go(config, args, now))


async def _go(config: Config, args: argparse.Namespace, now: datetime) -> int:
    from bot.app import build_app
    from bot.i18n import Translator
    from bot.report.aggregate import close_days_in_batches, zone_of
    from bot.report.days import Period, day_of
    from bot.report.export import render
    from bot.report.service import ReportError, build_report, default_period

    app = await build_app(config)
    locale = args.lang or config.network.default_locale
    t = Translator(locale)
    try:
        if args.action == "aggregate":
            closed = await close_days_in_batches(app.db, config, now)  # the running bot's commands never wait long
            print(f"{closed} day(s) closed")
            return 0
        period = Period(args.first, args.last) if args.first else default_period(day_of(now, zone_of(config)))
        try:
            async with app.db.session() as session:
                document = await build_report(session, config, period, now=now, locale=locale, venue_slug=args.venue,
                                              fit=not args.first)
        except ReportError as error:
            print(f"maillage report: {t(error.key, **error.params)}", file=sys.stderr)
            return EXIT_USAGE
        content = render(document, args.format, t)
        if args.output:
            Path(args.output).write_bytes(content)
            shown = document["period"]  # a network younger than the default period: its whole life
            print(f"report {shown['from']} to {shown['to']} written to {args.output}", file=sys.stderr)
        else:
            sys.stdout.buffer.write(content)
        return 0
    finally:
        await app.close()
