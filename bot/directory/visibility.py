"""Who may see or contact whom: the one consent rule, for every path that shows or contacts a member.

API (small on purpose; every capability calls it rather than reading `consent_at` itself):

- `Purpose` — why a member would be shown or contacted: LISTING (/find results, name look-ups),
  REQUEST (someone asks to be introduced), PROPOSAL (matchmaking proposes them), WALL (named on the
  live wall), CAMPAIGN (sent a campaign message), OPPORTUNITY (sent or shown a partner's offer).
- `allows(member, purpose)` — the rule on a loaded row, pure Python: consent recorded, then what the
  purpose adds (listed for LISTING/REQUEST/WALL, introductions on for REQUEST/PROPOSAL).
- `allowed(purpose)` — the same rule as a SQL condition on `Member`, for queries:
  `select(Member).where(allowed(Purpose.CAMPAIGN))`. Both are tested to agree.
- `may_reach(session, viewer, member, purpose)` — the full check for one viewer: the rule, plus the
  venue scope of a `venue` profile for the purposes a person triggers (LISTING, REQUEST), read from
  the database now. Button handlers call it on every press (ids are sequential and forgeable).
- `visible_members(session, viewer, ids)` — the LISTING check for a page of members at once.

Consent is `consent_at` being set: an imported, unclaimed member has none, so they are never shown
or contacted, whatever their imported visibility says, until they join and choose (GDPR art. 25).

A profile is listed only if its owner chose so: `private` is never listed; `venue` is listed to the
members who share a venue with its owner (home venue or a venue they attend, on either side);
`network` is listed to every member. Nobody is listed to themselves. Only members search.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, MemberVenue

PRIVATE, VENUE, NETWORK = "private", "venue", "network"
LISTED = (VENUE, NETWORK)


class Purpose(StrEnum):
    LISTING = "listing"
    REQUEST = "request"
    PROPOSAL = "proposal"
    WALL = "wall"
    CAMPAIGN = "campaign"
    OPPORTUNITY = "opportunity"


_NEEDS_LISTED = frozenset({Purpose.LISTING, Purpose.REQUEST, Purpose.WALL})
_NEEDS_INTROS = frozenset({Purpose.REQUEST, Purpose.PROPOSAL})
_VENUE_SCOPED = frozenset({Purpose.LISTING, Purpose.REQUEST})  # a person looks: `venue` means their venues


def allows(member: Member | None, purpose: Purpose) -> bool:
    """The consent rule on a loaded member row (no viewer: see `may_reach` for the venue scope)."""
    if member is None or member.consent_at is None:
        return False
    if purpose in _NEEDS_LISTED and member.visibility not in LISTED:
        return False
    if purpose in _NEEDS_INTROS and not member.intro_opt_in:
        return False
    return True


def allowed(purpose: Purpose) -> ColumnElement[bool]:
    """The consent rule as a SQL condition on `Member` (the same as `allows`)."""
    conditions = [Member.consent_at.is_not(None)]
    if purpose in _NEEDS_LISTED:
        conditions.append(Member.visibility.in_(LISTED))
    if purpose in _NEEDS_INTROS:
        conditions.append(Member.intro_opt_in.is_(True))
    return and_(true(), *conditions)


def can_see(viewer_id: int, viewer_venues: frozenset[int], member_id: int, visibility: str,
            member_venues: frozenset[int]) -> bool:
    """The visibility rule, pure: may `viewer` see the profile of `member`? (Consent is checked apart.)"""
    if member_id == viewer_id:
        return False
    if visibility == NETWORK:
        return True
    if visibility == VENUE:
        return bool(viewer_venues & member_venues)
    return False


async def may_reach(session: AsyncSession, viewer: Member | None, member: Member | None, purpose: Purpose) -> bool:
    """May `viewer` (None for the network itself: a job, the wall) show or contact `member` for `purpose`?

    Pass a row loaded in the event's own transaction (`session.get`), so a press sees the latest
    consent and settings; the venues are read now.
    """
    if member is None:
        return False
    if not allows(member, purpose) or (viewer is not None and viewer.id == member.id):
        return False
    if viewer is None or purpose not in _VENUE_SCOPED:
        return True
    venues = await venues_of(session, [viewer.id, member.id])
    return can_see(viewer.id, venues.get(viewer.id, frozenset()), member.id, member.visibility,
                   venues.get(member.id, frozenset()))


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
    """The members among `member_ids` that `viewer` may see (Purpose.LISTING), checked against the database now.

    One query when the viewer's venues are given (the members, fresh, joined to the venues they
    attend), two otherwise (the viewer's own venues first).
    """
    ids = [member_id for member_id in dict.fromkeys(member_ids) if member_id != viewer.id]
    if not ids:
        return {}
    mine = viewer_venue_ids if viewer_venue_ids is not None else await viewer_venues(session, viewer)
    rows = await session.execute(
        select(Member, MemberVenue.venue_id).outerjoin(MemberVenue, MemberVenue.member_id == Member.id)
        .where(Member.id.in_(ids), allowed(Purpose.LISTING))
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
