"""Creating and changing members in the database: joining, claiming an imported profile, venues.

Handlers call these inside the event's transaction; nothing here talks to a chat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from storage.models import Activity, Identity, Member, MemberVenue, Venue

MAX_NAME = 60  # a name is shown in lists and on buttons: a long one crowds everything else out
MAX_BIO = 500


async def network_size(session: AsyncSession) -> tuple[int, int]:
    """(members, venues) of the whole network."""
    members = (await session.execute(select(func.count()).select_from(Member))).scalar_one()
    venues = (await session.execute(select(func.count()).select_from(Venue))).scalar_one()
    return members, venues


async def create_member(ctx: Context, venue: Venue) -> Member:
    """A new member, private and without introductions, tied to the person's identity."""
    name = (ctx.identity.display_name or ctx.user.display_name or "").strip()[:MAX_NAME] or "?"
    member = Member(display_name=name, bio="", home_venue_id=venue.id, locale=ctx.locale, languages=[ctx.locale],
                    visibility="private", intro_opt_in=False, created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(member)
    await ctx.session.flush()
    ctx.identity.member = member
    # Counted by the statistics; never shown on the wall: nobody has chosen to be seen yet.
    ctx.session.add(Activity(kind="member_joined", venue_id=venue.id, member_id=member.id, public=False,
                             data={"platform": ctx.identity.platform}, created_at=ctx.now))
    await ctx.session.flush()
    return member


async def member_by_claim_code(session: AsyncSession, code: str) -> Member | None:
    """The imported member waiting for this claim code, if nobody has claimed it yet."""
    if not code or len(code) > 64:
        return None
    for candidate in dict.fromkeys((code, code.upper())):
        member = (await session.execute(select(Member).where(Member.claim_code == candidate))).scalar_one_or_none()
        if member is not None:
            return member
    return None


async def claim(ctx: Context, member: Member) -> None:
    """Tie the person's identity to an imported member; the code is spent."""
    member.claim_code = None
    member.updated_at = ctx.now
    ctx.identity.member = member
    ctx.session.add(Activity(kind="member_claimed", venue_id=member.home_venue_id, member_id=member.id,
                             public=False, data={"platform": ctx.identity.platform}, created_at=ctx.now))
    await ctx.session.flush()


async def attended_venue_ids(session: AsyncSession, member_id: int) -> set[int]:
    rows = await session.execute(select(MemberVenue.venue_id).where(MemberVenue.member_id == member_id))
    return set(rows.scalars())


async def attend(session: AsyncSession, member: Member, venue_id: int) -> bool:
    """Add a venue the member attends besides their home venue; False when already there."""
    if venue_id == member.home_venue_id or venue_id in await attended_venue_ids(session, member.id):
        return False
    session.add(MemberVenue(member_id=member.id, venue_id=venue_id))
    await session.flush()
    return True


async def stop_attending(session: AsyncSession, member: Member, venue_id: int) -> bool:
    result = await session.execute(delete(MemberVenue).where(MemberVenue.member_id == member.id,
                                                             MemberVenue.venue_id == venue_id))
    return bool(result.rowcount)


async def make_home(session: AsyncSession, member: Member, venue_id: int, now: datetime) -> None:
    """Move the home venue; the former home stays among the venues attended (people rarely leave)."""
    old = member.home_venue_id
    if old == venue_id:
        return
    await stop_attending(session, member, venue_id)
    member.home_venue_id = venue_id
    member.updated_at = now
    if old is not None:
        await attend(session, member, old)


async def identities_of(session: AsyncSession, member_id: int) -> list[Identity]:
    return list((await session.execute(select(Identity).where(Identity.member_id == member_id)
                                       .order_by(Identity.id))).scalars())
