"""The Discord adapter's memory of the scheduled events it created to mirror the programme.

One row per (event, guild): which Discord scheduled event shows that Maillage event in that server,
and what was last sent (the event's sequence and a digest of the fields), so a restart neither
creates a duplicate nor edits what has not changed. The core never reads it.

`event_id` is deliberately not a foreign key: when an event row is deleted, its mapping must stay
so the adapter can find and remove the scheduled event it left on Discord.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import PLATFORM_ID, Base, utcnow

MIRROR_STATES = ("creating", "scheduled", "refused", "cancelled", "deleted")


class DiscordScheduledEvent(Base):
    """A Maillage event shown as a Discord scheduled event in one guild.

    `state`: "creating" (written before the request: still there at the next tick, the process died
    before Discord's answer was recorded), "scheduled" (shown and kept in sync), "cancelled"
    (cancelled on Discord, as in Maillage), "refused" (Discord refused to create it: tried again
    when the event changes), "deleted" (someone removed it on Discord: respected, not recreated).
    `scheduled_event_id` is a "pending:..." placeholder while "creating" or "refused".
    """

    __tablename__ = "discord_scheduled_events"

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[str] = mapped_column(PLATFORM_ID, primary_key=True)
    scheduled_event_id: Mapped[str] = mapped_column(PLATFORM_ID, unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # the event's sequence when last mirrored
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the fields last sent
    state: Mapped[str] = mapped_column(String(12), default="scheduled")
    ends_at: Mapped[datetime] = mapped_column(index=True)  # rows of past events are pruned
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
