"""What each member accepts unprompted (`/notifications`): kinds of nudges muted, their own quiet
hours and weekends, a pause. Read by `notify` for every nudge, so one setting holds everywhere.

Transactional messages (answers, accepted introductions' contacts, changes to an event one goes to)
are never muted: a person who asked for something always hears back.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AttentionConfig
from storage.models.campaigns import NotificationPrefs

# The kinds a member can mute, and the outbox purposes each covers (by prefix).
KINDS = {
    "campaigns": ("campaign",),
    "introductions": ("mm.proposal", "mm.followup", "intro_request"),
    "events": ("event_announcement",),
    "digests": ("digest",),
}


def kind_of(purpose: str) -> str | None:
    """The mutable kind of a nudge's purpose ("campaign" -> "campaigns"), None for any other."""
    for kind, prefixes in KINDS.items():
        if purpose.startswith(prefixes):
            return kind
    return None


async def prefs_of(session: AsyncSession, member_id: int) -> NotificationPrefs | None:
    return await session.get(NotificationPrefs, member_id)


async def prefs_for_update(session: AsyncSession, member_id: int, now: datetime) -> NotificationPrefs:
    """The member's settings row, created on first change."""
    prefs = await session.get(NotificationPrefs, member_id)
    if prefs is None:
        prefs = NotificationPrefs(member_id=member_id, muted=[], updated_at=now)
        session.add(prefs)
        await session.flush()
    return prefs


def refuses(prefs: NotificationPrefs | None, purpose: str, now: datetime) -> bool:
    """True when this member muted this kind of nudge, or paused every nudge until after `now`."""
    if prefs is None:
        return False
    if prefs.paused_until is not None and prefs.paused_until > now:
        return True
    kind = kind_of(purpose)
    return kind is not None and kind in (prefs.muted or [])


def quiet_rules(prefs: NotificationPrefs | None, config: AttentionConfig) -> AttentionConfig:
    """The network's rules with the member's own in their place where they set them: quiet hours,
    weekends, and a smaller monthly budget (never a larger one than the network's)."""
    if prefs is None:
        return config
    changes: dict = {}
    if prefs.budget is not None and prefs.budget < config.budget_per_30_days:
        changes["budget_per_30_days"] = max(prefs.budget, 0)
    if prefs.quiet_start and prefs.quiet_end:
        changes.update(quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end)
    if prefs.quiet_weekends is not None:
        changes["quiet_weekends"] = prefs.quiet_weekends
    return dataclasses.replace(config, **changes) if changes else config
