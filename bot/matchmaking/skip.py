"""The "skip next round" button on a round's follow-up: the member is left out of the next round, once.

Stored as `IntroPreferences.skip_next`. The round's candidates leave such members out (they are
listed in `Pool.skipped`), and the round that left them out clears the flag when it is written: a
dry-run changes nothing, and a member not due in the next round (a monthly pace) skips the next
round they would have been in. No message is sent: the press's own answer says it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.matchmaking.prefs import preferences
from storage.models import Member
from storage.models.matchmaking import Introduction, IntroPreferences


async def skip_next(session: AsyncSession, intro: Introduction, member: Member, now: datetime) -> str:
    """Record the press; returns not_member | already | noted."""
    if not any(slot.member_id == member.id for slot in intro.members):
        return "not_member"
    prefs = await preferences(session, member.id, now)
    if prefs.skip_next:
        return "already"
    prefs.skip_next = True
    return "noted"


async def consume(session: AsyncSession, skipped: list[int]) -> None:
    """The round that left these members out is written: their skip is used up."""
    if skipped:
        await session.execute(update(IntroPreferences).where(IntroPreferences.member_id.in_(skipped))
                              .values(skip_next=False))
