"""Autocomplete for slash-command options, answered by the core (`BotCore.complete`).

A command declares `complete="skills"` (or "venues"); while the person types, Discord asks for
choices and the core's completer of that name suggests `[(value, label)]`, best first. This module
only applies Discord's limits: at most 25 choices of at most 100 characters, within 3 seconds.
"""

from __future__ import annotations

import logging

from bot.core import BotCore
from bot.types import CommandInvoked

log = logging.getLogger(__name__)

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


async def suggest(core: BotCore, name: str, text: str, event: CommandInvoked) -> list[tuple[str, str]]:
    """Up to 25 `(value, label)` for what is typed so far in `event`'s command; never raises."""
    text = text[:MAX_CHOICE_CHARS]
    found = await core.complete(event, name, text)
    return [(value[:MAX_CHOICE_CHARS], (label or value)[:MAX_CHOICE_CHARS])
            for value, label in found[:MAX_CHOICES] if value]
