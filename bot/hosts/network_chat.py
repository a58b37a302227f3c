"""The hosts' chat: the one group (Telegram) or channel (Discord) where the network's hosts talk.

It is a `VenueChat` with purpose "hosts" and no venue; its invitation link, when the animator gave
one at /link_hosts, is kept beside it (`HostsChatInvite`) and sent to each new host.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import VenueChat
from storage.models.hosts_partners import HostsChatInvite

PURPOSE = "hosts"


async def hosts_chats(session: AsyncSession) -> list[VenueChat]:
    """Every bound hosts' chat (normally one; one per platform when the network uses both)."""
    return list((await session.execute(select(VenueChat).where(VenueChat.purpose == PURPOSE)
                                        .order_by(VenueChat.id))).scalars())


async def invite_of(session: AsyncSession, chat: VenueChat) -> str | None:
    return (await session.execute(select(HostsChatInvite.url).where(
        HostsChatInvite.platform == chat.platform, HostsChatInvite.chat_id == chat.chat_id))).scalar_one_or_none()


async def set_invite(session: AsyncSession, platform: str, chat_id: str, url: str | None, now) -> None:
    row = (await session.execute(select(HostsChatInvite).where(
        HostsChatInvite.platform == platform, HostsChatInvite.chat_id == chat_id))).scalar_one_or_none()
    if url is None:
        if row is not None:
            await session.delete(row)
        return
    if row is None:
        session.add(HostsChatInvite(platform=platform, chat_id=chat_id, url=url, created_at=now))
    else:
        row.url = url
