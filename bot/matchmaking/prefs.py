"""Members' introduction settings: read with defaults, created on first change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.matchmaking import IntroPreferences

VENUE_PREFERENCES = ("other_venues_preferred", "same_venue_ok", "other_venues_only")
# How a member wants to meet: "either" (the default), in person only, or by video only.
MEET_MODES = ("either", "in_person", "video")
MAX_NEVER_WITH = 50


async def preferences(session: AsyncSession, member_id: int, now: datetime) -> IntroPreferences:
    """The member's settings row, created with the defaults if they have none yet."""
    found = await session.get(IntroPreferences, member_id)
    if found is None:
        found = IntroPreferences(member_id=member_id, venue_preference=VENUE_PREFERENCES[0], never_with=[],
                                 languages=None, priority=False, meet_mode=MEET_MODES[0], updated_at=now)
        session.add(found)
        await session.flush()
    return found
