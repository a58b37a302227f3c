"""Partner organisations and their contacts.

A partner organisation is a venue of kind "partner" (from the config, or declared in chat by an
animator with /partner new); its contacts are members with a `Role` "partner" on it, added by
animators, who speak for it: they may post opportunities in its name.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Role, Venue
from storage.venues import new_join_code, venue_by_slug

PARTNER_ROLE = "partner"


def slug_of(name: str) -> str:
    """"École de la 2e chance 44" -> "ecole-de-la-2e-chance-44" (at most 63 characters)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:63].strip("-")


async def partner_venues(session: AsyncSession) -> list[Venue]:
    return list((await session.execute(select(Venue).where(Venue.kind == "partner").order_by(Venue.name))).scalars())


async def partners_of(session: AsyncSession, member_id: int) -> list[Venue]:
    """The partner organisations this member speaks for."""
    statement = (select(Venue).join(Role, Role.venue_id == Venue.id)
                 .where(Role.member_id == member_id, Role.role == PARTNER_ROLE).order_by(Venue.name))
    return list((await session.execute(statement)).scalars())


async def contacts_of(session: AsyncSession, venue_id: int) -> list[Member]:
    statement = (select(Member).join(Role, Role.member_id == Member.id)
                 .where(Role.venue_id == venue_id, Role.role == PARTNER_ROLE).order_by(Member.display_name))
    return list((await session.execute(statement)).scalars())


async def contact_role(session: AsyncSession, member_id: int, venue_id: int) -> Role | None:
    return (await session.execute(select(Role).where(Role.member_id == member_id, Role.role == PARTNER_ROLE,
                                                     Role.venue_id == venue_id))).scalar_one_or_none()


async def declare_partner(session: AsyncSession, name: str, kind: str, timezone: str, now: datetime) -> Venue | None:
    """A new partner organisation; None when its slug is taken (by any venue)."""
    slug = slug_of(name)
    if not slug or await venue_by_slug(session, slug) is not None:
        return None
    venue = Venue(slug=slug, name=name.strip()[:200], kind="partner", partner_kind=kind, timezone=timezone,
                  join_code=new_join_code(), created_at=now)
    session.add(venue)
    await session.flush()
    return venue
