"""Partner contacts in matchmaking rounds: scored by their partner's needs.

A contact who opted in to introductions is a candidate like any member; the skills wanted by the
open opportunities of the partners they speak for count as their needs, so the round introduces
them to members who offer those skills. Read by `bot/matchmaking/candidates.py`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.partners.contacts import PARTNER_ROLE
from storage.models import Role
from storage.models.hosts_partners import Opportunity


async def partner_needs(session: AsyncSession, member_ids: list[int], at: datetime) -> dict[int, set[int]]:
    """member id -> skills wanted by the open opportunities of the partners they are a contact of."""
    if not member_ids:
        return {}
    rows = await session.execute(select(Role.member_id, Opportunity.skill_ids).join(
        Opportunity, Opportunity.partner_venue_id == Role.venue_id).where(
        Role.role == PARTNER_ROLE, Role.member_id.in_(member_ids), Opportunity.status == "open",
        Opportunity.closes_at > at))
    found: dict[int, set[int]] = defaultdict(set)
    for member_id, skill_ids in rows:
        found[member_id].update(int(s) for s in skill_ids or ())
    return found
