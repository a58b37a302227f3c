"""The "show me on the wall" consent (off by default): reading, switching, /mydata and /forget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member
from storage.models.wall import WallConsent, WallHidden


async def is_shown(session: AsyncSession, member_id: int) -> bool:
    return await session.get(WallConsent, member_id) is not None


async def set_shown(session: AsyncSession, member_id: int, shown: bool, now: datetime) -> bool:
    """Record the choice; True when it changed something."""
    row = await session.get(WallConsent, member_id)
    if shown and row is None:
        session.add(WallConsent(member_id=member_id, created_at=now))
        await session.flush()
        return True
    if not shown and row is not None:
        await session.delete(row)
        await session.flush()
        return True
    return False


async def export(session: AsyncSession, member: Member) -> dict:
    row = await session.get(WallConsent, member.id)
    return {"shown_on_wall": row is not None, "since": row.created_at.isoformat() if row else None}


async def erase(session: AsyncSession, member: Member, **_kwargs) -> None:
    await session.execute(delete(WallConsent).where(WallConsent.member_id == member.id))
    await session.execute(delete(WallHidden).where(WallHidden.item == f"member:{member.id}"))
