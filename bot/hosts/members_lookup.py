"""Finding the member an animator means: by @handle, platform id, or display name.

Console and Discord members often have no @handle, so names work too: exactly (any case), or,
when nothing is exact, by the start of a word of the name ("léa" finds "Léa Bernard"). The same
lookup feeds the autocomplete of /host add and /partner add.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, Member

MAX_FOUND = 5


async def find_members(session: AsyncSession, who: str) -> list[Member]:
    """Members matching "@handle", a platform user id, an exact display name, or else a name's start."""
    who = " ".join(who.split())
    if not who:
        return []
    handle = who.lstrip("@").lower()
    identities = select(Identity.member_id).where(Identity.member_id.is_not(None), or_(
        func.lower(Identity.handle) == handle, Identity.platform_user_id == who,
        (Identity.platform + ":" + Identity.platform_user_id) == who))
    statement = select(Member).where(or_(Member.id.in_(identities), func.lower(Member.display_name) == who.lower()))
    exact = list((await session.execute(statement.order_by(Member.id).limit(MAX_FOUND))).scalars())
    return exact or await members_named(session, handle)


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
