"""What the events features keep about a member, for /mydata and /forget.

RSVPs are personal (who goes where); events a member created are the venue's programme, so on
/forget they stay, without their author. Erasing an RSVP frees its seat; the waiting list is
promoted by the reminders job's sweep (an eraser has no configuration to write notices with).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.rsvp import promote_waiting, release_seat
from storage.models import Member
from storage.models.events import Event, Rsvp


async def export(session: AsyncSession, member: Member) -> dict[str, Any]:
    rows = await session.execute(select(Rsvp, Event.title, Event.starts_at).join(Event, Event.id == Rsvp.event_id)
                                 .where(Rsvp.member_id == member.id).order_by(Event.starts_at))
    rsvps = [{"event_id": r.event_id, "event": title, "starts_at": starts.isoformat(), "status": r.status,
              "since": r.queued_at.isoformat(), "promoted_at": r.promoted_at.isoformat() if r.promoted_at else None}
             for r, title, starts in rows]
    created = (await session.execute(select(Event.id, Event.title).where(Event.created_by_id == member.id))).all()
    return {"rsvps": rsvps, "events_created": [{"id": i, "title": t} for i, t in created]}


async def erase(session: AsyncSession, member: Member, *, config: Config, now: datetime) -> None:
    going = (await session.execute(select(Rsvp.event_id).where(Rsvp.member_id == member.id,
                                                               Rsvp.status == "going"))).scalars().all()
    await session.execute(delete(Rsvp).where(Rsvp.member_id == member.id))
    for event_id in going:  # the freed seats go to the waiting lists at once
        await release_seat(session, event_id)
        event = await session.get(Event, event_id)
        if event is not None:
            await promote_waiting(session, config, event, now)
    await session.execute(update(Event).where(Event.created_by_id == member.id).values(created_by_id=None))
