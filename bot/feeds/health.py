"""A feed's health: success resets it; a failure is recorded, and the venue's hosts hear about it
once per failure streak (the notice key carries the streak's number, so a retried sync or the
next failure of the same streak writes nothing).

People are told the failure's category (`FeedError.kind`, key `feeds.error.<kind>`) in their own
language; the English detail stays for operators (FeedSource.last_error, `maillage feeds status`,
the log). When the cause is ours to fix (a bug, a setting), the network's animators are told too,
so "the network team has been told" is true.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sources import ERROR_KINDS
from adapters.sources.fetch import describe
from bot.config import Config
from bot.feeds.dedupe import venue_hosts
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.types import Button, Reply
from storage.models.events import FeedSource
from storage.models.feeds import FeedSourceState
from storage.models.members import Identity, Member
from storage.models.network import Role, Venue

log = logging.getLogger(__name__)

ERROR_LIMIT = 1000  # characters of an error message kept on the source
# Failures the venue's hosts cannot fix: the network team hears about them as well.
TEAM_KINDS = frozenset({"internal", "config", "openagenda_key"})


def error_text(t: Translator, kind: str | None) -> str:
    """The failure's category in the reader's language; a generic one for a kind not recorded
    (failures from before kinds were stored) or unknown."""
    return t(f"feeds.error.{kind}") if kind in ERROR_KINDS else t("feeds.error.other")


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


async def record_failure(session: AsyncSession, config: Config, source: FeedSource, error: str, kind: str,
                         now: datetime) -> bool:
    """Record a failed sync (`error` the operator's detail, `kind` its category); returns True when
    someone was told (the first failure of a streak)."""
    state = await state_of(session, source.id)
    source.last_attempt_at = now
    source.last_error = error[:ERROR_LIMIT]
    source.error_streak = (source.error_streak or 0) + 1
    state.last_error_at = now
    state.error_kind = kind
    log.warning("feed %s (%s) failed [%s]: %s", source.id, label(source), kind, error)
    if source.last_error_notified:
        return False
    state.failure_streaks = (state.failure_streaks or 0) + 1
    source.last_error_notified = True
    venue = await session.get(Venue, source.venue_id)
    venue_name = venue.name if venue else "?"
    body_key = "feeds.failed_body_config" if source.origin == "config" else "feeds.failed_body"
    told = 0
    hosts = await venue_hosts(session, [source.venue_id])
    for member in hosts:
        def render(t: Translator) -> Reply:
            buttons = ((Button(t("feeds.failed_list_button"), "run", "feed_list"),),)
            return Reply(t(body_key, feed=label(source), venue=venue_name, error=error_text(t, kind), id=source.id),
                         title=t("feeds.failed_title"), buttons=buttons)

        told += await notify_member(session, config, member, render,
                                    key=f"feeds:fail:{source.id}:{state.failure_streaks}:{member.id}",
                                    purpose="feed_failure", now=now)
    if kind in TEAM_KINDS:
        host_ids = {member.id for member in hosts}
        for member in await network_team(session, config):
            if member.id in host_ids:
                continue  # an animator who also hosts the venue already has the hosts' notice

            def render_team(t: Translator) -> Reply:
                return Reply(t("feeds.team_failed_body", feed=label(source), venue=venue_name, id=source.id),
                             title=t("feeds.failed_title"))

            told += await notify_member(session, config, member, render_team,
                                        key=f"feeds:fail-team:{source.id}:{state.failure_streaks}:{member.id}",
                                        purpose="feed_failure", now=now)
    log.info("feed %s: failure streak %d, %d member(s) told", source.id, state.failure_streaks, told)
    return told > 0


async def network_team(session: AsyncSession, config: Config) -> list[Member]:
    """The network's animators: members with the animator role, and those named in the configuration
    (`platform:user_id`) who have an account."""
    unique: dict[int, Member] = {}
    rows = await session.execute(select(Member).join(Role, Role.member_id == Member.id).where(
        Role.role == "animator").order_by(Role.id))
    for member in rows.scalars():
        unique.setdefault(member.id, member)
    for entry in config.network.animators:
        platform, _, user_id = entry.partition(":")
        if not user_id:
            continue
        member = (await session.execute(select(Member).join(Identity, Identity.member_id == Member.id).where(
            Identity.platform == platform, Identity.platform_user_id == user_id))).scalars().first()
        if member is not None:
            unique.setdefault(member.id, member)
    return list(unique.values())
