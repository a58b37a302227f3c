"""Autocomplete for slash-command options, answered by the core's completers.

A command declares `complete="skills"` (or "venues"); the core's `registry.completers[name]` is
called as `await completer(ctx, text)` with a `Context` (the person's identity if known, their
language, a session) and returns `[(value, label)]`. A name no feature completes gets no choices.
Discord shows at most 25 choices of at most 100 characters, within 3 seconds.
"""

from __future__ import annotations

import logging

from bot.context import Context
from bot.core import BotCore
from bot.i18n import Translator
from bot.types import CommandInvoked
from storage.identities import find_identity
from storage.models import Identity

log = logging.getLogger(__name__)

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


async def suggest(core: BotCore, name: str, text: str, event: CommandInvoked) -> list[tuple[str, str]]:
    """Up to 25 `(value, label)` for what is typed so far in `event`'s command; never raises."""
    text = text[:MAX_CHOICE_CHARS]
    try:
        found = await _from_registry(core, name, text, event) or []
    except Exception:
        log.exception("autocomplete %r failed for %r", name, text)
        return []
    return [(value[:MAX_CHOICE_CHARS], (label or value)[:MAX_CHOICE_CHARS])
            for value, label in found[:MAX_CHOICES] if value]


async def _from_registry(core: BotCore, name: str, text: str, event: CommandInvoked) -> list[tuple[str, str]] | None:
    completer = core.registry.completers.get(name)
    if completer is None:
        return None
    async with core.db.session() as session:
        # Looked up, never created: a keystroke must not register anyone.
        identity = await find_identity(session, event.user.platform, event.user.user_id)
        if identity is None:
            identity = Identity(platform=event.user.platform, platform_user_id=event.user.user_id,
                                display_name=event.user.display_name)
        locale = core.locale_of(identity, event.user.language)
        ctx = Context(core, session, event, identity, core.clock.now(), Translator(locale), args=text)
        return list(await completer(ctx, text))
