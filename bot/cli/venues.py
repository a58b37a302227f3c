"""`maillage venues list`, `maillage venues claim-codes` and `maillage venues qr SLUG`: the venues' join
links, the claim codes of imported venues, and a QR code to print at a venue's entrance.

A venue's Telegram link is the deep link `https://t.me/<bot>?start=<join code>`; the bot's user
name comes from `[telegram] username` in the configuration (or `--bot-username`). Without it `qr`
writes nothing and exits 2 with the reason, printing the code people can type (`/start CODE` or
`/join CODE`), unless `--code-only` asks for a QR of that text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


from bot.cli import config_from, exit_status_with_database
from bot.config import Config
from bot.imports.cget import ATTRIBUTION
from bot.venues.claims import attribution_needed, unclaimed
from storage.venues import all_venues, sync_config_venues, venue_by_slug

EXIT_NOT_FOUND = 1
EXIT_USAGE = 2


def bot_username(config: Config, override: str | None = None) -> str | None:
    """The Telegram bot's user name, without "@", or None when unknown."""
    name = override or (config.telegram.username if config.telegram else None)
    return name.lstrip("@") if name else None


def telegram_link(username: str | None, code: str) -> str | None:
    return f"https://t.me/{username}?start={code}" if username else None


def _list(args: argparse.Namespace) -> int:
    config = config_from(args)
    username = bot_username(config, args.bot_username)

    async def work(session) -> int:
        await sync_config_venues(session, config.venues, config.network.timezone)  # codes exist for them all
        venues = await all_venues(session)
        for venue in venues:
            kind = f"{venue.kind} ({venue.partner_kind})" if venue.partner_kind else venue.kind
            link = telegram_link(username, venue.join_code) or "(set [telegram] username for the link)"
            print(f"{venue.slug}\t{venue.name}\t{kind}\t{venue.city}\ttelegram: {link}\t"
                  f"discord: /join {venue.join_code}")
        print(f"{len(venues)} venue(s)", file=sys.stderr)
        if await attribution_needed(session):
            print(ATTRIBUTION, file=sys.stderr)
        return 0

    return exit_status_with_database(config, work)


def _claim_codes(args: argparse.Namespace) -> int:
    config = config_from(args)

    async def work(session) -> int:
        rows = await unclaimed(session, args.department)
        for venue, origin in rows:
            print(f"{venue.slug}\t{venue.name}\t{venue.city}\t{origin.department or ''}\t/claim_venue {origin.claim_code}")
        print(f"{len(rows)} unclaimed venue(s): send each code to the venue's host, who types /claim_venue CODE "
              "(in French: /revendiquer_lieu CODE)", file=sys.stderr)
        print(ATTRIBUTION, file=sys.stderr)
        return 0

    return exit_status_with_database(config, work)


def _qr(args: argparse.Namespace) -> int:
    import segno

    config = config_from(args)
    username = bot_username(config, args.bot_username)

    async def work(session) -> int:
        await sync_config_venues(session, config.venues, config.network.timezone)
        venue = await venue_by_slug(session, args.slug)
        if venue is None:
            print(f"maillage: no venue with slug {args.slug!r} (see `maillage venues list`)", file=sys.stderr)
            return EXIT_NOT_FOUND
        link = telegram_link(username, venue.join_code)
        if link is None and not args.code_only:
            # Never exit 0 having written nothing: a poster script would print an old or missing file.
            print("maillage: no QR code written: the Telegram bot's user name is unknown (set `username` in "
                  "[telegram] or pass --bot-username), or pass --code-only for a QR of the join code itself. "
                  "Meanwhile, people can type this:", file=sys.stderr)
            print(f"/start {venue.join_code}")
            return EXIT_USAGE
        link = link or f"/start {venue.join_code}"
        output = Path(args.output or f"{venue.slug}-qr.png")
        # Error correction "M" survives a little wear on a printed poster; a wide quiet zone scans best.
        segno.make(link, error="m").save(str(output), scale=args.scale, border=4)
        print(f"{output}\t{link}")
        return 0

    return exit_status_with_database(config, work)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    venues = subparsers.add_parser("venues", help="the venues and their join links",
                                   description="The network's venues, their join codes and links, QR codes.")
    actions = venues.add_subparsers(dest="venues_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="slug, name, kind, city and join links of every venue",
                                 description="Print one tab-separated line per venue: slug, name, kind, city, "
                                             "Telegram link, Discord command.")
    listing.add_argument("--bot-username", help="the Telegram bot's user name (default: [telegram] username)")
    listing.set_defaults(func=_list)
    codes = actions.add_parser("claim-codes", help="the claim codes of imported venues no host has claimed yet",
                               description="Print one tab-separated line per unclaimed imported venue: slug, name, "
                                           "town, département and the /claim_venue command its host should type.")
    codes.add_argument("--department", help="only this département (e.g. 44)")
    codes.set_defaults(func=_claim_codes)
    qr = actions.add_parser("qr", help="a PNG QR code of a venue's Telegram join link",
                            description="Write a PNG QR code of the venue's Telegram deep link, to print at "
                                        "the entrance. Without a bot user name: exit 2 with the reason (and the code), "
                                        "or with --code-only a QR of `/start CODE`.")
    qr.add_argument("slug", help="the venue's slug")
    qr.add_argument("-o", "--output", help="PNG file to write (default: SLUG-qr.png)")
    qr.add_argument("--scale", type=int, default=10, help="pixels per module (default: 10)")
    qr.add_argument("--bot-username", help="the Telegram bot's user name (default: [telegram] username)")
    qr.add_argument("--code-only", action="store_true",
                    help="without a bot user name: a QR of the text `/start CODE` (for Discord, or to copy)")
    qr.set_defaults(func=_qr)
