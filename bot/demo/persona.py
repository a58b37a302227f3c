"""Who a terminal session plays (`maillage demo --as NAME`, `maillage console --as NAME`).

A name is a member's when it is exactly theirs, case and accents aside ("lea bernard" is Léa
Bernard). A name nobody has is a newcomer, unless members have a close name ("Sara", "Sarah
Roux"): then the caller offers the list to choose from, and never picks silently. `--lang`, when
given, is the played person's own choice of language (as if they had typed /language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.text import name_key
from bot.types import UserRef
from storage.models import Identity, Member

PLATFORM = "console"
CLOSE_SCORE = 80
MAX_CLOSE = 6


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str


@dataclass
class Lookup:
    """What a typed name matches: one member exactly, or members with a close name (or neither)."""

    exact: Candidate | None = None
    close: list[Candidate] = field(default_factory=list)


plain = name_key  # a name as compared: accents and case aside, spaces collapsed


def slug(name: str) -> str:
    """A console user id from a name ("Léa Bernard" -> "lea-bernard")."""
    return re.sub(r"[^a-z0-9]+", "-", plain(name)).strip("-") or "guest"


async def look_up(session: AsyncSession, name: str) -> Lookup:
    members = [Candidate(member_id, display) for member_id, display in
               (await session.execute(select(Member.id, Member.display_name).order_by(Member.display_name))).all()]
    wanted = plain(name)
    exact = next((c for c in members if plain(c.name) == wanted), None)
    if exact is not None:
        return Lookup(exact=exact)
    found = process.extract(wanted, {c: plain(c.name) for c in members}, scorer=fuzz.WRatio,
                            limit=MAX_CLOSE, score_cutoff=CLOSE_SCORE)
    return Lookup(close=[candidate for _, _, candidate in found])


async def member_user(session: AsyncSession, member_id: int, language: str | None) -> UserRef:
    """The console identity of a member (made on first use); `language` becomes their choice."""
    member = await session.get(Member, member_id)
    assert member is not None
    identity = (await session.execute(select(Identity).where(
        Identity.platform == PLATFORM, Identity.member_id == member_id).limit(1))).scalar_one_or_none()
    if identity is None:
        identity = Identity(member_id=member_id, platform=PLATFORM, platform_user_id=slug(member.display_name),
                            display_name=member.display_name, handle=slug(member.display_name), dm_status="open")
        session.add(identity)
    if language:
        member.locale = identity.locale = language
    return UserRef(PLATFORM, identity.platform_user_id, member.display_name, identity.handle, language)


async def newcomer_user(session: AsyncSession, name: str, language: str | None) -> UserRef:
    """Someone who is not (yet) a member: their platform reports `language`."""
    user_id = slug(name)
    identity = (await session.execute(select(Identity).where(
        Identity.platform == PLATFORM, Identity.platform_user_id == user_id))).scalar_one_or_none()
    if identity is not None and language:
        identity.locale = language  # a newcomer who already chose a language changes it as asked
    return UserRef(PLATFORM, user_id, name, None, language)


async def console_names(session: AsyncSession) -> dict[str, str]:
    """Console user id -> the name to show, for the lines about other people."""
    rows = await session.execute(select(Identity.platform_user_id, Identity.display_name)
                                 .where(Identity.platform == PLATFORM))
    return {user_id: name for user_id, name in rows}
