"""Finding and recording the people who write to the bot, and the network's roles."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.types import UserRef
from storage.models import Identity

SEEN_EVERY = timedelta(minutes=10)

# What `Identity.dm_status` says of a person's private chat with the bot on that platform.
DM_UNKNOWN, DM_OPEN, DM_UNREACHABLE = "unknown", "open", "unreachable"


async def find_identity(session: AsyncSession, platform: str, user_id: str) -> Identity | None:
    statement = (select(Identity).where(Identity.platform == platform, Identity.platform_user_id == user_id)
                 .options(selectinload(Identity.member)))
    return (await session.execute(statement)).scalar_one_or_none()


async def touch_identity(session: AsyncSession, user: UserRef, now: datetime) -> Identity:
    """The identity of `user`, created on first contact, its name and handle kept current."""
    identity = await find_identity(session, user.platform, user.user_id)
    if identity is None:
        identity = Identity(platform=user.platform, platform_user_id=user.user_id, handle=user.handle,
                            display_name=user.display_name[:100], created_at=now, last_seen_at=now)
        try:
            async with session.begin_nested():  # two first messages at once: the second one re-reads
                session.add(identity)
        except IntegrityError:
            identity = await find_identity(session, user.platform, user.user_id)
            assert identity is not None
        await session.refresh(identity, ["member"])
        return identity
    # Written at most every few minutes: most events are reads, and a write on every one of them would
    # hold SQLite's write lock and pay a disk sync at commit for nothing.
    if now - identity.last_seen_at >= SEEN_EVERY:
        identity.last_seen_at = now
    if user.handle and identity.handle != user.handle:
        identity.handle = user.handle
    if user.display_name and identity.display_name != user.display_name[:100]:
        identity.display_name = user.display_name[:100]
    return identity


async def set_dm_status(session: AsyncSession, platform: str, user_id: str, *, reachable: bool) -> None:
    """The one writer of `Identity.dm_status`: whether the bot can write to this person privately.

    Called when a platform says so (they blocked or unblocked the bot, they wrote to it), when the
    outbox dispatcher meets `Unreachable`, and when a direct reply bounced. An unknown person is
    left unknown (no identity is created for a status).
    """
    await session.execute(update(Identity).where(Identity.platform == platform, Identity.platform_user_id == user_id)
                          .values(dm_status=DM_OPEN if reachable else DM_UNREACHABLE))
