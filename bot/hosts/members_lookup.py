"""Finding the member an animator means: by @handle, platform id, or display name.

Console and Discord members often have no @handle, so names work too: exactly (any case), or,
when nothing is exact, by the start of a word of the name ("léa" finds "Léa Bernard"). The same
lookup feeds the autocomplete of /host add and /partner add.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.text import name_key
from storage.models import Identity, Member

MAX_FOUND = 5


def _by_identity(who: str):
    """The ids of members whose identity is `who`: "@handle" (any case), a platform id, or "platform:id"."""
    handle = who.lstrip("@").lower()
    return select(Identity.member_id).where(Identity.member_id.is_not(None), or_(
        func.lower(Identity.handle) == handle, Identity.platform_user_id == who,
        (Identity.platform + ":" + Identity.platform_user_id) == who))


async def find_members(session: AsyncSession, who: str) -> list[Member]:
    """Members matching "@handle", a platform user id, an exact display name, or else a name's start."""
    who = " ".join(who.split())
    if not who:
        return []
    handle = who.lstrip("@").lower()
    statement = select(Member).where(or_(Member.id.in_(_by_identity(who)),
                                         func.lower(Member.display_name) == who.lower()))
    exact = list((await session.execute(statement.order_by(Member.id).limit(MAX_FOUND))).scalars())
    return exact or await members_named(session, handle)


async def find_exactly(session: AsyncSession, who: str) -> list[Member]:
    """Members who are `who` exactly: "@handle", a platform id, or the whole name, accents and case
    aside ("lena francois" is Léna François). For an action on one person — leaving them out of
    introductions after a complaint — where the start of a name ("Sara" for Sarah) is not enough."""
    who = " ".join(who.split())
    if not who:
        return []
    wanted = name_key(who)
    ids = set((await session.execute(_by_identity(who))).scalars())
    ids |= {member_id for member_id, name in await session.execute(select(Member.id, Member.display_name))
            if name_key(name or "") == wanted}
    if not ids:
        return []
    statement = select(Member).where(Member.id.in_(ids)).order_by(Member.id).limit(MAX_FOUND)
    return list((await session.execute(statement)).scalars())


async def members_named(session: AsyncSession, prefix: str, limit: int = MAX_FOUND) -> list[Member]:
    """Members whose name (or one of its words) starts with `prefix`, any case, joined members only."""
    prefix = prefix.strip().lower()
    if not prefix:
        return []
    name = func.lower(Member.display_name)
    like = prefix.replace("\\", "").replace("%", "").replace("_", "")
    statement = (select(Member).where(Member.consent_at.is_not(None),
                                      or_(name.like(f"{like}%"), name.like(f"% {like}%")))
                 .order_by(Member.display_name, Member.id).limit(limit))
    return list((await session.execute(statement)).scalars())
