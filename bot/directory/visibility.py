"""Who may see whose profile in the directory: the one rule, and its check against the database.

A profile is listed only if its owner chose so: `private` is never listed; `venue` is listed to the
members who share a venue with its owner (home venue or a venue they attend, on either side);
`network` is listed to every member. Nobody is listed to themselves. Only members search.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, MemberVenue

PRIVATE, VENUE, NETWORK = "private", "venue", "network"
LISTED = (VENUE, NETWORK)


def can_see(viewer_id: int, viewer_venues: frozenset[int], member_id: int, visibility: str,
            member_venues: frozenset[int]) -> bool:
    """The visibility rule, pure: may `viewer` see the profile of `member`?"""
    if member_id == viewer_id:
        return False
    if visibility == NETWORK:
        return True
    if visibility == VENUE:
        return bool(viewer_venues & member_venues)
    return False


async def venues_of(session: AsyncSession, member_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Home venue plus attended venues of each member, read now from the database."""
    ids = list(member_ids)
    if not ids:
        return {}
    homes = dict((await session.execute(select(Member.id, Member.home_venue_id).where(Member.id.in_(ids)))).all())
    return await _with_attended(session, homes)


async def _with_attended(session: AsyncSession, homes: dict[int, int | None]) -> dict[int, frozenset[int]]:
    found = {member_id: ({home} if home is not None else set()) for member_id, home in homes.items()}
    attended = await session.execute(select(MemberVenue.member_id, MemberVenue.venue_id)
                                     .where(MemberVenue.member_id.in_(list(found))))
    for member_id, venue_id in attended:
        found[member_id].add(venue_id)
    return {member_id: frozenset(venues) for member_id, venues in found.items()}


async def viewer_venues(session: AsyncSession, viewer: Member) -> frozenset[int]:
    """The searcher's own venues (one query: the home venue is on the loaded row)."""
    return (await _with_attended(session, {viewer.id: viewer.home_venue_id}))[viewer.id]


async def visible_members(session: AsyncSession, viewer: Member, member_ids: Iterable[int],
                          viewer_venue_ids: frozenset[int] | None = None) -> dict[int, Member]:
    """The members among `member_ids` that `viewer` may see, checked against the database now.

    One query when the viewer's venues are given (the members, fresh, joined to the venues they
    attend), two otherwise (the viewer's own venues first).
    """
    ids = [member_id for member_id in dict.fromkeys(member_ids) if member_id != viewer.id]
    if not ids:
        return {}
    mine = viewer_venue_ids if viewer_venue_ids is not None else await viewer_venues(session, viewer)
    rows = await session.execute(
        select(Member, MemberVenue.venue_id).outerjoin(MemberVenue, MemberVenue.member_id == Member.id)
        .where(Member.id.in_(ids), Member.visibility.in_(LISTED), Member.consent_at.is_not(None))
        .execution_options(populate_existing=True))
    members: dict[int, Member] = {}
    venues: dict[int, set[int]] = {}
    for member, attended in rows:
        members[member.id] = member
        found = venues.setdefault(member.id, {member.home_venue_id} if member.home_venue_id is not None else set())
        if attended is not None:
            found.add(attended)
    return {member_id: member for member_id, member in members.items()
            if can_see(viewer.id, mine, member_id, member.visibility, frozenset(venues[member_id]))}
