"""A feed's health: success resets it; a failure is recorded, and the venue's hosts hear about it
once per failure streak (the notice key carries the streak's number, so a retried sync or the
next failure of the same streak writes nothing)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sources.fetch import describe
from bot.config import Config
from bot.feeds.dedupe import venue_hosts
from bot.i18n import Translator
from bot.notify import notify_member
from bot.types import Button, Reply
from storage.models.events import FeedSource
from storage.models.feeds import FeedSourceState
from storage.models.network import Venue

log = logging.getLogger(__name__)

ERROR_LIMIT = 1000  # characters of an error message kept on the source


async def state_of(session: AsyncSession, source_id: int) -> FeedSourceState:
    state = await session.get(FeedSourceState, source_id)
    if state is None:
        state = FeedSourceState(source_id=source_id, occurrences=0, warnings=[], failure_streaks=0)
        session.add(state)
    return state


def label(source: FeedSource) -> str:
    """How a source is named to people: never a full URL (private calendar links hold a secret)."""
    if source.kind == "openagenda":
        return f"OpenAgenda {source.url}"
    if source.kind == "file":
        return source.url.rsplit("/", 1)[-1]
    return describe(source.url)


def record_success(source: FeedSource, now: datetime) -> None:
    source.last_attempt_at = now
    source.last_success_at = now
    source.error_streak = 0
    source.last_error_notified = False


async def record_failure(session: AsyncSession, config: Config, source: FeedSource, error: str,
                         now: datetime) -> bool:
    """Record a failed sync; returns True when the hosts were told (the first failure of a streak)."""
    state = await state_of(session, source.id)
    source.last_attempt_at = now
    source.last_error = error[:ERROR_LIMIT]
    source.error_streak = (source.error_streak or 0) + 1
    state.last_error_at = now
    if source.last_error_notified:
        return False
    state.failure_streaks = (state.failure_streaks or 0) + 1
    source.last_error_notified = True
    venue = await session.get(Venue, source.venue_id)
    told = 0
    for member in await venue_hosts(session, [source.venue_id]):
        def render(t: Translator) -> Reply:
            buttons = ((Button(t("feeds.failed_list_button"), "run", "feed_list"),),)
            return Reply(t("feeds.failed_body", feed=label(source), venue=venue.name if venue else "?",
                           error=error[:300], id=source.id),
                         title=t("feeds.failed_title"), buttons=buttons)

        told += await notify_member(session, config, member, render,
                                    key=f"feeds:fail:{source.id}:{state.failure_streaks}:{member.id}",
                                    purpose="feed_failure", now=now)
    log.warning("feed %s (%s) failed: %s; %d host(s) told", source.id, label(source), error, told)
    return told > 0
