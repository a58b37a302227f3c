"""The first lines of a terminal session: who you are playing, and what is waiting for you.

Messages meant for a member wait in the outbox until a session plays that member (the console
dispatcher delivers only theirs), so a double opt-in can be played member by member: these lines
say how many are about to be shown, and how many are held for later (quiet hours). A terminal has
no chat history: when nothing with buttons comes, the last message with buttons sent to that member
(a proposal they had not answered when they quit, say) is shown again, as their chat would show it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.render import format_when
from bot.i18n import Translator
from bot.types import Reply, UserRef
from bot.outbox.notify import member_timezone
from storage.models import Identity, Member, OutboxMessage, Role, Venue
from storage.models.runtime import OutboxStatus
from storage.outbox import payload_to_reply

HISTORY = timedelta(days=14)  # how far back a terminal session looks for a message still to answer


async def welcome_lines(session: AsyncSession, config: Config, user: UserRef, now: datetime,
                        locale: str) -> list[str]:
    """Who `user` is in the network, and how many messages wait for them (now, and later)."""
    platform, user_id = user.platform, user.user_id
    t = Translator(locale)
    identity = (await session.execute(select(Identity).where(
        Identity.platform == platform, Identity.platform_user_id == user_id))).scalar_one_or_none()
    member = await session.get(Member, identity.member_id) if identity is not None and identity.member_id else None
    if member is None:
        return [t("console.you_are_newcomer", name=user.display_name)]
    lines = [await _who(session, config, t, member, f"{platform}:{user_id}")]
    pending = (select(OutboxMessage.next_attempt_at).where(
        OutboxMessage.platform == platform, OutboxMessage.user_id == user_id,
        OutboxMessage.status == OutboxStatus.PENDING))
    due = (await session.execute(select(func.count()).select_from(
        pending.where(OutboxMessage.next_attempt_at <= now).subquery()))).scalar_one()
    later = sorted((await session.execute(pending.where(OutboxMessage.next_attempt_at > now))).scalars())
    lines.append(t("console.waiting", count=due) if due else t("console.nothing_waiting"))
    if later:
        zone = await member_timezone(session, member, config.network.timezone)
        first = later[0] if later[0].tzinfo else later[0].replace(tzinfo=now.tzinfo)
        lines.append(t("console.later_count", count=len(later), when=format_when(first, zone, locale, now)))
    return lines


async def _who(session: AsyncSession, config: Config, t: Translator, member: Member, console_id: str) -> str:
    roles = []
    hosted = (await session.execute(select(Venue.name).join(Role, Role.venue_id == Venue.id).where(
        Role.member_id == member.id, Role.role == "host").order_by(Venue.name))).scalars().all()
    if hosted:
        roles.append(t("console.role_host", venues=", ".join(hosted)))
    animator = (await session.execute(select(Role.id).where(Role.member_id == member.id,
                                                            Role.role == "animator").limit(1))).first()
    if animator is not None or console_id in config.network.animators:
        roles.append(t("console.role_animator"))
    suffix = "".join(f" · {role}" for role in roles)
    venue = await session.get(Venue, member.home_venue_id) if member.home_venue_id else None
    if venue is None:
        return t("console.you_are_member_no_venue", name=member.display_name, roles=suffix)
    return t("console.you_are_member", name=member.display_name, venue=venue.name, roles=suffix)


async def last_outbox_id(session: AsyncSession) -> int:
    return (await session.execute(select(func.max(OutboxMessage.id)))).scalar_one() or 0


async def held_for_others(session: AsyncSession, platform: str, user_id: str, after_id: int) -> tuple[list[str], int]:
    """Who got a message queued since outbox row `after_id` that waits for their own session (names,
    once each), and the last row id seen."""
    rows = (await session.execute(
        select(OutboxMessage.id, Member.display_name).join(Member, Member.id == OutboxMessage.member_id)
        .where(OutboxMessage.id > after_id, OutboxMessage.platform == platform,
               OutboxMessage.user_id.is_not(None), OutboxMessage.user_id != user_id)
        .order_by(OutboxMessage.id))).all()
    names = list(dict.fromkeys(name for _, name in rows))
    return names, max([after_id, await last_outbox_id(session)])


async def last_with_buttons(session: AsyncSession, user: UserRef, now: datetime) -> tuple[datetime, Reply] | None:
    """The newest message with buttons sent to `user` in the last fortnight and after they last typed or
    pressed anything (`note_last_input`: an answered question is not asked again), and when; None if none."""
    identity = (await session.execute(select(Identity.last_seen_at).where(
        Identity.platform == user.platform, Identity.platform_user_id == user.user_id))).scalar_one_or_none()
    since = now - HISTORY if identity is None else max(now - HISTORY, identity)
    rows = await session.execute(select(OutboxMessage.sent_at, OutboxMessage.payload).where(
        OutboxMessage.platform == user.platform, OutboxMessage.user_id == user.user_id,
        OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at > since)
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()).limit(20))
    for sent_at, payload in rows:
        if any(button.get("action") for row in payload.get("buttons", []) for button in row):
            return sent_at, payload_to_reply(payload)
    return None


async def note_last_input(session: AsyncSession, user: UserRef, at: datetime) -> None:
    """The session's last typed line or press, as the identity's last sighting (a terminal session
    writes it exactly, once at its end; chats write it every few minutes, storage.identities)."""
    identity = (await session.execute(select(Identity).where(
        Identity.platform == user.platform, Identity.platform_user_id == user.user_id))).scalar_one_or_none()
    if identity is not None and (identity.last_seen_at is None or identity.last_seen_at < at):
        identity.last_seen_at = at
