"""The one message a member gets when an animator makes them host of a venue: what hosts can do,
and the way into the hosts' chat (its invitation link when one was given at /link_hosts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.hosts.network_chat import hosts_chats, invite_of
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.types import Reply
from storage.models import Member, Role, Venue


def welcome(venue_name: str, chat_title: str | None, invite: str | None) -> Callable[[Translator], Reply]:
    def render(t: Translator) -> Reply:
        lines = [t("hosts.welcome", venue=venue_name)]
        if invite:
            lines.append(t("hosts.welcome_invite", chat=chat_title or t("hosts.hosts_chat"), link=invite))
        elif chat_title:
            lines.append(t("hosts.welcome_chat", chat=chat_title))
        return Reply("\n\n".join(lines))

    return render


async def tell_new_host(session: AsyncSession, config: Config, member: Member, venue: Venue, role: Role,
                        now: datetime) -> bool:
    """Queue the welcome (transactional: the member did not ask, but it is about their new role)."""
    chats = await hosts_chats(session)
    chat = chats[0] if chats else None
    invite = await invite_of(session, chat) if chat is not None else None
    return await notify_member(session, config, member, welcome(venue.name, chat.title if chat else None, invite),
                               key=f"host:{role.id}:welcome", purpose="host_welcome", now=now)
