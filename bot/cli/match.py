"""`maillage match`: preview, run and measure matchmaking rounds from the command line.

    maillage match --dry-run [--at ISO] [--format text|json] [--lang fr|en]
    maillage match --run [--at ISO]
    maillage match stats [--format text|json] [--png FILE]
    maillage match exclude MEMBER [--reason TEXT]    maillage match include MEMBER

`--at` names the moment the round is due at (default: now); a datetime without an offset is in the
network time zone. A dry-run writes nothing; a run writes the round and its messages (the running
bot delivers them). A dry-run then a run at the same time give the same introductions.
`exclude` leaves a member (@handle, platform id or name) out of rounds and one-off introductions
after a complaint, `include` lets them back in: both are stored and logged on `maillage.audit`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli import config_from, run_async
from bot.config import Config

EXIT_USAGE = 2
log = logging.getLogger(__name__)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    match = subparsers.add_parser(
        "match", help="matchmaking rounds: preview (--dry-run), run (--run), stats",
        description="Preview the matchmaking round due at a time without sending anything (--dry-run), run it "
                    "(--run: once per period, safe to repeat), or print the figures of the last quarter (stats).")
    match.add_argument("action", nargs="?", choices=["stats", "exclude", "include"],
                       help="stats: figures per round and over the quarter; exclude/include MEMBER: leave a member "
                            "out of introductions (after a complaint) or let them back in")
    match.add_argument("member", nargs="?", help="with exclude/include: @handle, platform id or display name")
    match.add_argument("--reason", help="with exclude: why (kept for the animators, 200 characters at most)")
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
    if args.action in ("exclude", "include"):
        if not args.member:
            print(f"maillage match {args.action}: say which member (@handle, platform id or name)", file=sys.stderr)
            return EXIT_USAGE
        return run_async(_exclusion(config, args))
    if not (args.dry_run or args.run or args.action == "stats"):
        print("maillage match: say --dry-run, --run or stats (see maillage match --help)", file=sys.stderr)
        return EXIT_USAGE
    try:
        at = parse_at(args.at, config.network.timezone)
    except ValueError:
        print(f"maillage match: --at {args.at!r} is not an ISO datetime (e.g. 2026-12-07T10:00)", file=sys.stderr)
        return EXIT_USAGE
    from bot.gc_pause import without_cyclic_gc

    with without_cyclic_gc():  # the JSON of a large round too
        return run_async(_go(config, args, at))


async def _go(config: Config, args: argparse.Namespace, at: datetime) -> int:
    # Only the database: a dry-run, a run or the figures need no adapter, web server or scheduler.
    from bot.i18n import Translator
    from bot.matchmaking import preview
    from bot.matchmaking.run import prepare, run_round
    from bot.matchmaking.wording import round_name
    from storage.db import Database

    db = Database(config.database.url)
    t = Translator(args.lang or config.network.default_locale)
    log.debug("match: started (%s)", "stats" if args.action == "stats" else "dry-run" if args.dry_run else "run")
    try:
        if args.action == "stats":
            return await _stats(db, config, args, at, t)
        if args.dry_run:
            async with db.read_session() as session:  # a dry-run writes nothing, locks nothing
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
                # Named as the chat names it ("tour du 07/12"), with the period id the logs and --run use.
                name = f"{round_name(prepared.period, t, prepared.fire_time, config.network.timezone)} ({prepared.period})"
                print(preview.as_text(document, t, already=prepared.already is not None, venues=venues, name=name))
            log.debug("match: dry-run printed")
            return 0
        outcome = await run_round(db, config, at, "cli")
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
        await db.dispose()


async def _exclusion(config: Config, args: argparse.Namespace) -> int:
    from bot.hosts.members_lookup import find_exactly, find_members
    from bot.matchmaking import exclusions
    from storage.db import Database

    db = Database(config.database.url)
    try:
        async with db.session() as session:
            found = await find_exactly(session, args.member)
            if len(found) != 1:
                close = found or await find_members(session, args.member)
                names = ", ".join(m.display_name for m in close)
                print(f"maillage match {args.action}: " + (
                    f"several members are called {args.member!r}: {names}; give the @handle or platform id" if found
                    else f"nobody is called exactly {args.member!r}; did you mean {names}?" if close
                    else f"no member matches {args.member!r}"), file=sys.stderr)
                return 1
            member, now = found[0], datetime.now(timezone.utc)
            if args.action == "exclude":
                done = await exclusions.exclude(session, config, member, None, args.reason, now, actor="cli")
                print(f"{member.display_name} is left out of introductions" if done
                      else f"{member.display_name} was already left out of introductions")
            else:
                done = await exclusions.include(session, member, None, actor="cli")
                print(f"{member.display_name} is back in introductions" if done
                      else f"{member.display_name} was not left out of introductions")
        return 0
    finally:
        await db.dispose()


async def _stats(db, config: Config, args: argparse.Namespace, at: datetime, t) -> int:
    from bot.matchmaking import feedback, heatmap, stats

    async with db.read_session() as session:
        per_round, total = await stats.quarter(session, at)
        labels = await stats.venue_labels(session)
        said = await feedback.summary(session, at - stats.QUARTER, at)
    document = stats.as_document(per_round, total, said)
    if args.png:
        Path(args.png).write_bytes(heatmap.heatmap_png(total.venue_pairs, labels, t("matchmaking.admin.heatmap_title")))
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    from bot.matchmaking.wording import round_name

    zone = config.network.timezone
    print("\n".join(stats.text_lines(per_round, total, t, lambda period: round_name(period, t, timezone=zone),
                                     shown=len(per_round), feedback=said, timezone=zone)))
    if args.png:
        print(f"heatmap written to {args.png}")
    return 0
