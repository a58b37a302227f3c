"""Autocomplete for slash-command options: the core's completers, with built-in fallbacks.

A command declares `complete="skills"` (or "venues"); the core's `registry.completers[name]` is
called as `await completer(ctx, text)` with a read-only `Context` (the person's identity if known,
their language, a session) and returns `[(value, label)]`. Should no feature register a completer
of that name, "skills" falls back to the fuzzy skills resolver (`SkillResolver.suggest`) and
"venues" to the venue names, so typing is always helped. Discord shows at most 25 choices of at most 100 characters, within 3 seconds.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.context import Context
from bot.core import BotCore
from bot.i18n import Translator, normalize_locale
from bot.skills.normalize import normalize
from bot.skills.resolver import SkillResolver
from bot.types import CommandInvoked
from storage.identities import find_identity
from storage.models import Identity
from storage.venues import all_venues

log = logging.getLogger(__name__)

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


async def suggest(core: BotCore, name: str, text: str, event: CommandInvoked) -> list[tuple[str, str]]:
    """Up to 25 `(value, label)` for what is typed so far in `event`'s command; never raises."""
    text = text[:MAX_CHOICE_CHARS]
    locale = normalize_locale(event.user.language, core.config.network.default_locale)
    try:
        found = await _from_registry(core, name, text, event)
        if found is None:
            found = await _builtin(core, name, text, locale)
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


async def _builtin(core: BotCore, name: str, text: str, locale: str) -> list[tuple[str, str]]:
    if name == "skills":
        return [(s.label, s.label) for s in _resolver().suggest(text, locale, limit=MAX_CHOICES)]
    if name == "venues":
        async with core.db.session() as session:
            venues = [(v.slug, f"{v.name} ({v.city})" if v.city else v.name) for v in await all_venues(session)]
        if not text.strip():
            return sorted(venues, key=lambda venue: venue[1])
        labels = {normalize(f"{slug} {label}"): (slug, label) for slug, label in venues}
        found = process.extract(normalize(text), list(labels), scorer=fuzz.WRatio, limit=MAX_CHOICES, score_cutoff=50)
        return [labels[match] for match, _score, _ in found]
    return []


@lru_cache(maxsize=1)
def _resolver() -> SkillResolver:
    """The packaged taxonomy's index, built once (a few milliseconds) on the first keystroke."""
    return SkillResolver()
