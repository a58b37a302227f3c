"""`maillage outbox unknown` and `maillage outbox resend ID`: the messages whose send outcome is
unknown after a crash, and putting one back in the queue after checking it did not arrive.

Names and texts are printed through `for_terminal`: a message cannot drive the operator's terminal.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli import config_from, exit_status_with_database
from bot.clock import SystemClock
from bot.outbox.unknown import NotResendable, resend, unknown_messages
from bot.payloads import parse_id
from bot.shorten import shorten
from bot.text import for_terminal

PREVIEW = 60


def _unknown(args: argparse.Namespace) -> int:
    config = config_from(args)

    async def work(session) -> int:
        rows = await unknown_messages(session)
        for row in rows:
            to = f"user {row.user_id}" if row.user_id is not None else f"chat {row.chat_id}"
            text = " ".join(str(row.payload.get("text", "")).split())
            print(for_terminal(f"{row.id}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.platform}\t{to}\t{row.purpose}\t"
                               f"{shorten(text, PREVIEW)}\t{row.last_error or ''}"))
        print(f"{len(rows)} message(s) with an unknown outcome" +
              (": check each on its platform, then `maillage outbox resend ID` for one that did not arrive"
               if rows else ""), file=sys.stderr)
        return 0

    return exit_status_with_database(config, work)


def _resend(args: argparse.Namespace) -> int:
    config = config_from(args)
    message_id = parse_id(args.id)
    if message_id is None:
        print(f"maillage outbox resend: {for_terminal(args.id)!s} is not a message id (a number from "
              "`maillage outbox unknown`)", file=sys.stderr)
        return 1

    async def work(session) -> int:
        try:
            row = await resend(session, message_id, SystemClock().now())
        except NotResendable as error:
            print(f"maillage outbox resend: {error}", file=sys.stderr)
            return 1
        print(f"message {row.id} queued again; the running bot sends it within a minute")
        return 0

    return exit_status_with_database(config, work)


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser("outbox", help="messages whose send outcome is unknown",
                                   description="Messages whose send outcome is unknown after a crash: never "
                                               "resent by themselves (a duplicate could be worse than a miss).")
    commands = parser.add_subparsers(dest="outbox_command", metavar="SUBCOMMAND", required=True)
    listing = commands.add_parser("unknown", help="list them (id, date, platform, recipient, purpose, text)",
                                  description="List the messages whose send outcome is unknown.")
    listing.set_defaults(func=_unknown)
    again = commands.add_parser("resend", help="queue one again, after checking it did not arrive",
                                description="Queue one unknown message again. Check first, on its platform, "
                                            "that it did not arrive: it will be sent a second time otherwise.")
    again.add_argument("id", help="the message id, from `maillage outbox unknown`")
    again.set_defaults(func=_resend)
