"""`maillage members codes`: the claim codes of imported members who have not joined yet.

An animator hands each person their code (or a Telegram link made of it); `/start CODE` attaches
the person's chat identity to the imported profile.
"""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import config_from, run_async, with_database
from storage.models import Member, Venue


async def unclaimed(session: AsyncSession, venue: str | None = None) -> list[tuple[str, str, str]]:
    """(name, venue slug, claim code) of imported members still unclaimed, by venue then name."""
    statement = (select(Member.display_name, Venue.slug, Member.claim_code)
                 .outerjoin(Venue, Venue.id == Member.home_venue_id)
                 .where(Member.claim_code.is_not(None)).order_by(Venue.slug, Member.display_name))
    if venue:
        statement = statement.where(Venue.slug == venue)
    return [(name, slug or "-", code) for name, slug, code in await session.execute(statement)]


def _codes(args: argparse.Namespace) -> int:
    rows = run_async(with_database(config_from(args), lambda session: unclaimed(session, args.venue)))
    if rows is None:
        return 1
    if not rows:
        print("no unclaimed imported member" + (f" at {args.venue}" if args.venue else ""))
        return 0
    width = max(len(name) for name, _, _ in rows)
    venue_width = max(len(slug) for _, slug, _ in rows)
    print(f"{'name':<{width}}  {'venue':<{venue_width}}  code")
    for name, slug, code in rows:
        print(f"{name:<{width}}  {slug:<{venue_width}}  {code}")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    members = subparsers.add_parser("members", help="imported members and their claim codes",
                                    description="Members imported from a file, and the codes they claim them with.")
    commands = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    codes = commands.add_parser("codes", help="list the claim codes of members who have not joined yet",
                                description="List name, venue and claim code of each imported member who has not "
                                            "attached a chat identity yet (they send /start CODE to the bot).")
    codes.add_argument("--venue", help="only this venue (slug)")
    codes.set_defaults(func=_codes)
