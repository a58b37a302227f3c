"""What the partners' capability stores about a member, for /mydata and /forget.

Opportunities a member posted: exported; on /forget they close (the poster is gone, no one can
answer the interested members, who get the neutral answer) and lose their poster. Interest a member
showed: exported; on /forget what is pending is withdrawn and the rows become anonymous counts.
Partner contact roles are `Role` rows: exported and erased with the roles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.partners.interest import ask_key, neutral
from bot.outbox.notify import notify_member
from bot.partners.opportunities import PURPOSE
from storage.models import Member, OutboxMessage
from storage.models.hosts_partners import CANCELLED, PENDING, Opportunity, OpportunityInterest
from storage.outbox import OPEN_STATUSES


async def export_opportunities(session: AsyncSession, member: Member) -> dict[str, Any]:
    posted = (await session.execute(select(Opportunity).where(Opportunity.posted_by_id == member.id)
                                    .order_by(Opportunity.id))).scalars()
    shown = (await session.execute(select(OpportunityInterest, Opportunity.title)
                                   .join(Opportunity, Opportunity.id == OpportunityInterest.opportunity_id)
                                   .where(OpportunityInterest.member_id == member.id)
                                   .order_by(OpportunityInterest.id))).all()
    return {
        "posted": [{"kind": o.kind, "title": o.title, "description": o.description, "place": o.place,
                    "audience": o.audience, "skill_ids": o.skill_ids, "status": o.status,
                    "closes_at": o.closes_at.isoformat(), "created_at": o.created_at.isoformat()} for o in posted],
        "interested_in": [{"title": title, "status": i.status, "created_at": i.created_at.isoformat()}
                          for i, title in shown],
    }


async def erase_opportunities(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    mine = (await session.execute(select(Opportunity).where(Opportunity.posted_by_id == member.id))).scalars().all()
    for opportunity in mine:
        waiting = (await session.execute(select(OpportunityInterest).where(
            OpportunityInterest.opportunity_id == opportunity.id, OpportunityInterest.status == PENDING))).scalars()
        for interest in waiting:
            interest.status, interest.responded_at = CANCELLED, now
            other = await session.get(Member, interest.member_id) if interest.member_id else None
            if other is not None:
                await notify_member(session, config, other, neutral(opportunity.title),
                                    key=f"oppi:{interest.id}:closed", purpose=PURPOSE, now=now)
        if opportunity.status == "open":
            opportunity.status, opportunity.closed_at = "closed", now
        opportunity.posted_by_id = None
    pending = (await session.execute(select(OpportunityInterest).where(
        OpportunityInterest.member_id == member.id, OpportunityInterest.status == PENDING))).scalars().all()
    for interest in pending:
        interest.status, interest.responded_at = CANCELLED, now
        # The poster's question is withdrawn if it has not gone yet.
        await session.execute(delete(OutboxMessage).where(OutboxMessage.key == ask_key(interest.id),
                                                          OutboxMessage.status.in_(OPEN_STATUSES)))
    await session.flush()
    await session.execute(update(OpportunityInterest).where(OpportunityInterest.member_id == member.id)
                          .values(member_id=None))
