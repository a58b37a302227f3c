"""/link_hosts (/lier_hotes), in a group: an animator makes it the hosts' chat.

An invitation link may follow (`/link_hosts https://t.me/+AbC...`): every member made host later
gets it in their welcome message. Running it again in the same group only updates the link.
/unlink in that group undoes it (see `roles.unlink`, which calls `unlink_hosts`).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.context import Context
from bot.hosts.network_chat import PURPOSE, set_invite
from bot.registry import Access, Registry, Where
from bot.types import Reply
from storage.models import VenueChat

LINK_RE = re.compile(r"^https://\S{4,290}$")


async def _binding(ctx: Context) -> VenueChat | None:
    return (await ctx.session.execute(select(VenueChat).where(
        VenueChat.platform == ctx.chat.platform, VenueChat.chat_id == ctx.chat.chat_id,
        VenueChat.purpose == PURPOSE))).scalar_one_or_none()


async def link_hosts(ctx: Context) -> Reply:
    link = ctx.args.strip() or None
    if link is not None and not LINK_RE.match(link):
        return Reply(ctx.t("hosts.link_hosts_bad_link"))
    chat = await _binding(ctx)
    if chat is None:
        ctx.session.add(VenueChat(venue_id=None, platform=ctx.chat.platform, chat_id=ctx.chat.chat_id,
                                  purpose=PURPOSE, title=ctx.chat.title, created_at=ctx.now))
    if link is not None:
        await set_invite(ctx.session, ctx.chat.platform, ctx.chat.chat_id, link, ctx.now)
    if chat is not None:
        return Reply(ctx.t("hosts.link_hosts_updated" if link else "hosts.link_hosts_already"))
    key = "hosts.link_hosts_done" if link else "hosts.link_hosts_done_no_link"
    return Reply(ctx.t(key))


async def unlink_hosts(ctx: Context) -> bool:
    """Undo the binding of this group as the hosts' chat (animators only); True when something was undone."""
    chat = await _binding(ctx)
    if chat is None or not await ctx.is_animator():
        return False
    await set_invite(ctx.session, chat.platform, chat.chat_id, None, ctx.now)
    await ctx.session.delete(chat)
    return True


def register(registry: Registry) -> None:
    registry.command("link_hosts", fr="lier_hotes", summary="hosts.link_hosts_summary", args="hosts.link_hosts_args",
                     access=Access.ANIMATOR, where=Where.GROUP, section="animators", order=12)(link_hosts)
