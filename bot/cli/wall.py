"""`maillage wall url VENUE`, `wall hide ITEM`, `wall show ITEM`, `wall hidden`: the live wall from
the command line.

`url` prints the address of the network wall (no VENUE) or of a venue's wall, with its token when
the venue is listed in `[wall] private_venues`. `hide` and `show` take an item as the wall and
/wall name it: `e12` (event 12) or `m5` (member 5); a hidden item leaves every open screen within
a second or two, whichever process serves them (the change is logged in the database).
"""

from __future__ import annotations

import argparse
import sys

from bot.cli import config_from, exit_status_with_database
from bot.clock import utcnow
from bot.feeds.calendar_tokens import base_url
from bot.wall import moderation
from bot.wall.moderation import parse_item
from bot.wall.tokens import is_private, venue_token
from storage.venues import sync_config_venues, venue_by_slug

EXIT_NOT_FOUND = 1
EXIT_USAGE = 2


def _url(args: argparse.Namespace) -> int:
    config = config_from(args)
    root = base_url(config)

    async def work(session) -> int:
        if args.venue is None:
            print(f"{root}/wall")
            return 0
        await sync_config_venues(session, config.venues, config.network.timezone)
        venue = await venue_by_slug(session, args.venue)
        if venue is None:
            print(f"maillage: no venue with slug {args.venue!r} (see `maillage venues list`)", file=sys.stderr)
            return EXIT_NOT_FOUND
        url = f"{root}/wall/{venue.slug}"
        if is_private(config, venue.slug):
            url += f"?token={await venue_token(session, venue)}"
        print(url)
        return 0

    return exit_status_with_database(config, work)


def _moderate(hide: bool):
    def run(args: argparse.Namespace) -> int:
        item = parse_item(args.item)
        if item is None:
            print(f"maillage: {args.item!r} is not an item: write e12 for event 12 or m5 for member 5", file=sys.stderr)
            return EXIT_USAGE
        config = config_from(args)

        async def work(session) -> int:
            found = await moderation.describe(session, item)
            if found is None:
                print(f"maillage: no {item.kind} {item.id} on the wall", file=sys.stderr)
                return EXIT_NOT_FOUND
            label = found[0]
            now = utcnow()
            if hide:
                done = await moderation.hide(session, item, "cli", now)
                print(f"hidden: {item.short} {label}" if done else f"already hidden: {item.short} {label}")
            else:
                done = await moderation.show(session, item, now)
                print(f"back on the wall: {item.short} {label}" if done else f"was not hidden: {item.short} {label}")
            return 0

        return exit_status_with_database(config, work)

    return run


def _hidden(args: argparse.Namespace) -> int:
    config = config_from(args)

    async def work(session) -> int:
        rows = await moderation.list_hidden(session)
        for row in rows:
            item = parse_item(row.item)
            found = await moderation.describe(session, item) if item else None
            label = found[0] if found else "(gone)"
            print(f"{item.short if item else row.item}\t{label}\t{row.hidden_by}\t{row.created_at:%Y-%m-%d %H:%M}")
        print(f"{len(rows)} hidden item(s)", file=sys.stderr)
        return 0

    return exit_status_with_database(config, work)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    wall = subparsers.add_parser("wall", help="the live wall: its URLs, and hiding items",
                                 description="The live wall on lobby screens: print a wall's URL, hide an item "
                                             "from every screen or bring it back.")
    actions = wall.add_subparsers(dest="wall_command", metavar="ACTION", required=True)
    url = actions.add_parser("url", help="the URL of the network wall or of a venue's wall",
                             description="Print the wall's URL (from [web] public_url), with the token a private "
                                         "venue's wall needs.")
    url.add_argument("venue", nargs="?", help="a venue's slug (default: the network wall)")
    url.set_defaults(func=_url)
    for name, hide, text in (("hide", True, "hide an item from every screen"),
                             ("show", False, "bring a hidden item back")):
        action = actions.add_parser(name, help=text, description=f"{text.capitalize()}: e12 is event 12, m5 member 5.")
        action.add_argument("item", help="e<event id> or m<member id>, as /wall shows them")
        action.set_defaults(func=_moderate(hide))
    hidden = actions.add_parser("hidden", help="list the hidden items",
                                description="One tab-separated line per hidden item: item, label, who, when.")
    hidden.set_defaults(func=_hidden)
