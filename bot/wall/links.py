"""Where the wall's QR codes and buttons lead: the bot on Telegram, on a venue or an event.

A venue's link is the deep link `https://t.me/<bot>?start=<join code>` (onboarding knows it); an
event's is `...?start=ev_<id>`, which /start opens on the event with its RSVP buttons
(`bot.wall.chat.deeplink`). Without `[telegram] username` (or `[wall] bot_username`) there is no link, and the wall prints
the command to type instead.
"""

from __future__ import annotations

import re

from bot.config import Config

EVENT_PAYLOAD = re.compile(r"^ev_(\d{1,12})$")


def bot_username(config: Config) -> str | None:
    name = config.telegram.username if config.telegram and config.telegram.username else config.wall.bot_username
    return name.lstrip("@") if name else None


def start_link(config: Config, payload: str = "") -> str | None:
    username = bot_username(config)
    if username is None:
        return None
    return f"https://t.me/{username}?start={payload}" if payload else f"https://t.me/{username}"


def event_payload(event_id: int) -> str:
    return f"ev_{event_id}"


def event_from_payload(payload: str) -> int | None:
    found = EVENT_PAYLOAD.match(payload or "")
    return int(found.group(1)) if found else None
