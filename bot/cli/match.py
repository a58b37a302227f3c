"""`maillage match`: preview, run and measure matchmaking rounds from the command line.

    maillage match --dry-run [--at ISO] [--format text|json] [--lang fr|en]
    maillage match --run [--at ISO]
    maillage match stats [--format text|json] [--png FILE]

`--at` names the moment the round is due at (default: now); a datetime without an offset is in the
network time zone. A dry-run writes nothing; a run writes the round and its messages (the running
bot delivers them). A dry-run then a run at the same time give the same introductions.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli import config_from, run_async
from bot.config import Config

EXIT_USAGE = 2


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    match = subparsers.add_parser(
        "match", help="matchmaking rounds: preview (--dry-run), run (--run), stats",
        description="Preview the matchmaking round due at a time without sending anything (--dry-run), run it "
                    "(--run: once per period, safe to repeat), or print the figures of the last quarter (stats).")
    match.add_argument("action", nargs="?", choices=["stats"], help="stats: figures per round and over the quarter")
    mode = match.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="show the round without writing or sending anything")
    mode.add_argument("--run", action="store_true", help="run the round due at --at (default now)")
    match.add_argument("--at", help="ISO datetime the round is due at (default: now; no offset = network time zone)")
    match.add_argument("--format", choices=["text", "json"], default="text", help="output format (default text)")
    match.add_argument("--lang", choices=["fr", "en"], help="language of reasons (default: the network's)")
    match.add_argument("--png", help="with stats: write the venue x venue heatmap to this PNG file")
    match.set_defaults(func=_main)


def parse_at(text: str | None, zone: str) -> datetime:
    if not text:
        return datetime.now(timezone.utc)
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(zone))
    return at.astimezone(timezone.utc)


def _main(args: argparse.Namespace) -> int:
    config = config_from(args)
    if not (args.dry_run or args.run or args.action == "stats"):
        print("maillage match: say --dry-run, --run or stats (see maillage match --help)", file=sys.stderr)
        return EXIT_USAGE
    try:
        at = parse_at(args.at, config.network.timezone)
    except ValueError:
        print(f"maillage match: --at {args.at!r} is not an ISO datetime (e.g. 2026-12-07T10:00)", file=sys.stderr)
        return EXIT_USAGE
    return run_async(_go(config, args, at))


async def _go(config: Config, args: argparse.Namespace, at: datetime) -> int:
    from bot.app import build_app
    from bot.i18n import Translator
    from bot.matchmaking import preview
    from bot.matchmaking.run import prepare, run_round

    app = await build_app(config)
    t = Translator(args.lang or config.network.default_locale)
    try:
        if args.action == "stats":
            return await _stats(app, args, at, t)
        if args.dry_run:
            async with app.db.read_session() as session:  # a dry-run writes nothing, locks nothing
                prepared = await prepare(session, config, at)
                if prepared.period is None:
                    print("maillage match: no round is due at that time (the schedule has not fired yet)",
                          file=sys.stderr)
                    return 1
                document = await preview.document(session, prepared, t)
                venues = await preview.venue_names(session)
            if prepared.already is not None:
                print(f"note: the round {prepared.period} already ran; --run would not run it again", file=sys.stderr)
            if args.format == "json":
                print(json.dumps(document, ensure_ascii=False, indent=2))
            else:
                print(preview.as_text(document, t, already=prepared.already is not None, venues=venues))
            return 0
        outcome = await run_round(app.db, config, at, "cli")
        period = outcome.prepared.period
        if outcome.status == "not_due":
            print("maillage match: no round is due at that time (the schedule has not fired yet)", file=sys.stderr)
            return 1
        if outcome.status == "already":
            print(f"round {period} already ran: nothing written")
            return 0
        print(f"round {period}: {outcome.introductions} introductions written for {outcome.prepared.pool.size} "
              f"candidates ({len(outcome.dropped)} dropped); the running bot delivers them")
        return 0
    finally:
        await app.close()


async def _stats(app, args: argparse.Namespace, at: datetime, t) -> int:
    from bot.matchmaking import heatmap, stats

    async with app.db.session() as session:
        per_round, total = await stats.quarter(session, at)
        labels = await stats.venue_labels(session)
    document = stats.as_document(per_round, total)
    if args.png:
        Path(args.png).write_bytes(heatmap.heatmap_png(total.venue_pairs, labels, t("matchmaking.admin.heatmap_title")))
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    q = document["quarter"]
    print(f"last quarter: {q['rounds']} rounds, {q['introductions']} introductions")
    for key in ("coverage", "cross_venue_share", "need_offer_share", "acceptance_rate", "met_rate"):
        print(f"  {key:<26} {100 * q[key]:5.1f} %")
    print(f"  {'repeat_pairs':<26} {q['repeat_pairs']}")
    print(f"  {'messages_per_member_month':<26} {q['messages_per_member_month']}")
    for r in document["rounds"]:
        print(f"{r['period']}: {r['introductions']} introductions, coverage {100 * r['coverage']:.0f} %, "
              f"cross-venue {100 * r['cross_venue_share']:.0f} %, need<->offer {100 * r['need_offer_share']:.0f} %, "
              f"accepted {100 * r['acceptance_rate']:.0f} %")
    if args.png:
        print(f"heatmap written to {args.png}")
    return 0
