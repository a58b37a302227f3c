"""`maillage feeds sync [--venue SLUG]` and `maillage feeds status`: calendar feeds for the operator."""

from __future__ import annotations

import argparse
from datetime import datetime

from sqlalchemy import select

from bot.cli import config_from, run_async
from bot.clock import SystemClock
from bot.config import Config
from bot.feeds.config_feeds import sync_config_feeds
from bot.feeds.health import label
from bot.feeds.sync import sync_all
from storage.db import Database
from storage.models.events import FeedSource
from storage.models.feeds import FeedSourceState
from storage.models.network import Venue


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    feeds = subparsers.add_parser("feeds", help="calendar feeds: sync now, show their health",
                                  description="Calendar feeds (ICS links, local files, OpenAgenda) of the venues.")
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    sync = actions.add_parser("sync", help="fetch and import every feed now",
                              description="Fetch every enabled feed now and import its events; one failing "
                                          "feed never stops the others. Exit status 1 if any failed.")
    sync.add_argument("--venue", metavar="SLUG", help="only this venue's feeds")
    sync.set_defaults(func=_sync)
    status = actions.add_parser("status", help="each feed's last success, last error and failure streak",
                                description="Each feed's last success, last error and failure streak.")
    status.set_defaults(func=_status)


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else "never"


async def sync_now(config: Config, venue: str | None, now: datetime) -> int:
    db = Database(config.database.url)
    try:
        async with db.session() as session:
            await sync_config_feeds(session, config)
            if venue is not None and (await session.execute(select(Venue.id).where(Venue.slug == venue))).first() is None:
                print(f"maillage: no venue with slug {venue!r}")
                return 2
        outcomes = await sync_all(db, config, now, venue=venue)
    finally:
        await db.dispose()
    if not outcomes:
        print("no enabled feeds" + (f" for {venue}" if venue else ""))
        return 0
    print(f"{'id':>4}  {'venue':<16} {'status':<9} {'new':>5} {'changed':>7} {'cancelled':>9} {'merged':>6} "
          f"{'secs':>6}  feed / error")
    for o in outcomes:
        print(outcome_line(o))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


async def status_lines(config: Config) -> list[str]:
    db = Database(config.database.url)
    try:
        async with db.session() as session:
            await sync_config_feeds(session, config)
            rows = (await session.execute(
                select(FeedSource, Venue.slug, FeedSourceState)
                .join(Venue, Venue.id == FeedSource.venue_id)
                .outerjoin(FeedSourceState, FeedSourceState.source_id == FeedSource.id)
                .order_by(Venue.slug, FeedSource.id))).all()
    finally:
        await db.dispose()
    lines = []
    for source, slug, state in rows:
        health = "off" if not source.enabled else ("FAILING" if source.error_streak else "ok")
        lines.append(f"#{source.id} {slug} {label(source)} [{source.kind}, {source.origin}] {health}")
        lines.append(f"    last success: {_when(source.last_success_at)}   streak: {source.error_streak}"
                     f"   events in last read: {state.occurrences if state else 0}")
        if source.last_error:
            when = _when(state.last_error_at) if state else "?"
            kind = state.error_kind if state is not None and state.error_kind else "?"
            lines.append(f"    last error ({when}) [{kind}]: {source.last_error}")
        if state is not None and state.warnings:
            lines.append(f"    {len(state.warnings)} warning(s), first: {state.warnings[0]}")
    return lines or ["no feeds: declare them in [[events.feeds]] or with /feed_add"]


def _sync(args: argparse.Namespace) -> int:
    return run_async(sync_now(config_from(args), args.venue, SystemClock().now()))


def _status(args: argparse.Namespace) -> int:
    for line in run_async(status_lines(config_from(args))):
        print(line)
    return 0


def outcome_line(o) -> str:
    """One feed's line of `feeds sync`. "changed" counts each updated event once, re-keyed ones included
    (a re-keyed event is also an updated one: adding both counted it twice)."""
    r = o.report
    counts = (r.inserted, r.updated, r.cancelled, r.merged) if r else (0, 0, 0, 0)
    if o.error:
        detail = f"[{o.error_kind}] {o.error}"
    else:
        detail = o.label + (f" ({o.warnings} warnings)" if o.warnings else "")
    return (f"{o.source_id:>4}  {o.venue:<16} {o.status:<9} {counts[0]:>5} {counts[1]:>7} {counts[2]:>9} "
            f"{counts[3]:>6} {o.seconds:>6.2f}  {detail}")
