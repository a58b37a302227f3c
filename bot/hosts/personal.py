"""What the hosts' network stores about a member, for /mydata and /forget.

Weekly pulses (when sent, the answer) and a pulse turned off: exported; deleted with the member
(they cascade).
Co-hosting proposals a member made or answered: exported; they concern venues, so they survive
/forget without the person (proposer and responder are set to NULL), and a pending one the
member proposed is withdrawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from storage.models import Member
from storage.models.hosts_partners import CANCELLED, PENDING, CohostProposal, HostPulse, HostPulseOptOut


async def export_hosts(session: AsyncSession, member: Member) -> dict[str, Any]:
    pulses = (await session.execute(select(HostPulse).where(HostPulse.member_id == member.id)
                                    .order_by(HostPulse.id))).scalars()
    proposals = (await session.execute(select(CohostProposal).where(
        (CohostProposal.proposer_id == member.id) | (CohostProposal.responder_id == member.id))
        .order_by(CohostProposal.id))).scalars()
    return {
        "pulse_off": await session.get(HostPulseOptOut, member.id) is not None,
        "pulses": [{"week": p.week, "sent_at": p.sent_at.isoformat(), "answer": p.answer, "detail": p.detail} for p in pulses],
        "cohosting": [{"role": "proposed" if p.proposer_id == member.id else "answered", "title": p.title,
                       "status": p.status, "created_at": p.created_at.isoformat()} for p in proposals],
    }


async def erase_hosts(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    await session.execute(update(CohostProposal).where(CohostProposal.proposer_id == member.id,
                                                       CohostProposal.status == PENDING)
                          .values(status=CANCELLED, responded_at=now))
    await session.execute(update(CohostProposal).where(CohostProposal.proposer_id == member.id)
                          .values(proposer_id=None))
    await session.execute(update(CohostProposal).where(CohostProposal.responder_id == member.id)
                          .values(responder_id=None))
