"""Writing proactive messages to members and chats: the one place that picks where and when.

`notify_member` chooses the member's reachable identity (the most recently seen), renders the
message in the member's language, and, for nudges, applies the light-touch rules: the member's own
settings (a kind muted, a pause: nothing is written), the one attention budget every nudge shares
(rounds, follow-ups, introduction requests, digests, campaigns; over budget: nothing is written, the
caller is told) and quiet hours in the member's time zone, theirs or the network's (deferred, never
dropped). Transactional messages that are not urgent (`NOT_URGENT`: a host's feed-failure notice, a
"same event?" question) skip the budget but wait for the end of quiet hours too. Everything goes through the outbox, in the caller's transaction.

The budget's check and write are atomic: on PostgreSQL the transaction first locks the member's row
(FOR NO KEY UPDATE, held until it ends: a row lock, so a round writing to thousands of members does
not fill the lock table as advisory locks would), so two processes cannot both spend a member's last
unit; SQLite transactions already take the write lock up front (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.attention import budget_left, next_allowed
from bot.outbox.preferences import prefs_of, quiet_rules, refuses
from bot.config import Config
from bot.i18n import Translator
from bot.types import Reply
from storage.models import Identity, Member, Venue, VenueChat
from storage.outbox import enqueue


# Transactional messages that can wait for the morning: they skip the budget, not quiet hours.
NOT_URGENT = frozenset({"feed_failure", "feed_duplicate"})


async def member_identity(session: AsyncSession, member_id: int, platform: str | None = None) -> Identity | None:
    """The identity to write to: reachable, on `platform` if given, most recently seen first."""
    statement = (select(Identity).where(Identity.member_id == member_id, Identity.dm_status != "unreachable")
                 .order_by(Identity.last_seen_at.desc(), Identity.id.desc()))
    if platform is not None:
        statement = statement.where(Identity.platform == platform)
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def member_timezone(session: AsyncSession, member: Member, default: str) -> str:
    if member.home_venue_id is None:
        return default
    zone = (await session.execute(select(Venue.timezone).where(Venue.id == member.home_venue_id))).scalar_one_or_none()
    return zone or default


def member_locale(member: Member, identity: Identity | None, default: str = "fr") -> str:
    return (identity.locale if identity is not None and identity.locale else None) or member.locale or default


async def notify_member(session: AsyncSession, config: Config, member: Member, render: Callable[[Translator], Reply],
                        *, key: str, purpose: str, now: datetime, nudge: bool = False,
                        platform: str | None = None, over_budget: bool = False, keep: int = 0,
                        not_before: datetime | None = None) -> bool:
    """Queue one message to a member. Returns False when nothing was written (no reachable
    identity, this kind of nudge muted or paused by the member, attention budget spent, or the
    same key already queued).

    `over_budget=True` writes a nudge even when the budget is spent (still deferred past quiet
    hours): for a message a person asked for, such as another member's introduction request.
    `keep` units of budget are left untouched (a campaign keeps the last one for a proposal due).
    `not_before` delays the message (a campaign spread over a window); quiet hours still apply."""
    identity = await member_identity(session, member.id, platform)
    if identity is None:
        return False
    start = max(not_before or now, now)
    if not nudge and purpose in NOT_URGENT:
        prefs = await prefs_of(session, member.id)
        zone = await member_timezone(session, member, config.network.timezone)
        start = next_allowed(start, zone, quiet_rules(prefs, config.attention))
    if nudge:
        prefs = await prefs_of(session, member.id)
        if refuses(prefs, purpose, now):
            return False
        rules = quiet_rules(prefs, config.attention)
        if not over_budget:
            await lock_budget(session, member.id)
            if await budget_left(session, member.id, now, rules) <= keep:
                return False
        zone = await member_timezone(session, member, config.network.timezone)
        start = next_allowed(start, zone, rules)
    not_before = start
    reply = render(Translator(member_locale(member, identity, config.network.default_locale)))
    if nudge and not reply.silent:
        reply = Reply(reply.text, reply.title, reply.buttons, silent=True)
    return await enqueue(session, key=key, platform=identity.platform, reply=reply, user_id=identity.platform_user_id,
                         member_id=member.id, purpose=purpose, nudge=nudge, now=now, not_before=not_before)


async def lock_budget(session: AsyncSession, member_id: int) -> None:
    """Serialise budget spending per member until the transaction ends (PostgreSQL; a no-op on SQLite,
    whose write transactions are already exclusive)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(select(Member.id).where(Member.id == member_id).with_for_update(key_share=True))


async def notify_chat(session: AsyncSession, chat: VenueChat, reply: Reply, *, key: str, purpose: str,
                      now: datetime, not_before: datetime | None = None) -> bool:
    """Queue one message to a bound chat (a venue's announcements, the programme chat)."""
    return await enqueue(session, key=key, platform=chat.platform, reply=reply, chat_id=chat.chat_id,
                         purpose=purpose, now=now, not_before=not_before)
