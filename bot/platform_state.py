"""What an adapter keeps in the database about its platform, read and written through the core.

Adapters never open a session (the architecture test forbids them `storage`): they call these
functions with the `Database` (`core.db`), and each call is one short transaction of its own.

Two kinds of state:

- remembered values (`DiscordState`): e.g. the hash of the slash commands last published, so an
  unchanged set is not published again at every start (`remembered`, `remember`);
- the programme mirrored as Discord scheduled events (`DiscordScheduledEvent`): one row per event
  and server, saying which scheduled event shows it and what was last sent (`mirror_snapshot`,
  `save_mirrored`, `forget_mirrored`). The states are explained on the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from bot.config import Config
from bot.events.mirror import MirroredEvent, events_to_mirror
from storage.db import Database
from storage.models.discord_mirror import DiscordScheduledEvent
from storage.models.discord_state import DiscordState

# Rows that still follow their event (see DiscordScheduledEvent): the others only remember a refusal
# to act again ("cancelled", "deleted" by someone on Discord).
LIVE_MIRROR_STATES = ("creating", "scheduled", "refused")


# -- remembered values ---------------------------------------------------------------------------
async def remembered(db: Database, key: str) -> str | None:
    """The value last remembered under `key`, or None."""
    async with db.session() as session:
        return (await session.execute(select(DiscordState.value).where(DiscordState.key == key))).scalar_one_or_none()


async def remember(db: Database, key: str, value: str) -> None:
    """Remember `value` under `key` (at most 64 and 200 characters), replacing what was there."""
    async with db.session() as session:
        row = await session.get(DiscordState, key)
        if row is None:
            session.add(DiscordState(key=key, value=value))
        else:
            row.value = value


# -- the programme mirrored as scheduled events ----------------------------------------------------
@dataclass(frozen=True)
class MirrorRow:
    """One row of `discord_scheduled_events`: a Maillage event shown in one server."""

    event_id: int
    guild_id: str
    scheduled_event_id: str
    digest: str
    state: str
    ends_at: datetime


async def mirror_snapshot(db: Database, config: Config, platform: str, now: datetime, until: datetime, *,
                          prune_before: datetime) -> tuple[list[MirrorRow], list[MirroredEvent]]:
    """What is mirrored and what should be, read together in one transaction.

    Rows of events over before `prune_before` are forgotten first. The events returned are those
    `events_to_mirror` gives for `platform` up to `until`, plus every event a live row still shows
    (so an event moved past the horizon is followed, not taken for a deleted one).
    """
    async with db.session() as session:
        await session.execute(delete(DiscordScheduledEvent).where(DiscordScheduledEvent.ends_at < prune_before))
        rows = [MirrorRow(row.event_id, row.guild_id, row.scheduled_event_id, row.digest, row.state, row.ends_at)
                for row in (await session.execute(select(DiscordScheduledEvent))).scalars()]
        shown = {row.event_id for row in rows if row.state in LIVE_MIRROR_STATES}
        records = await events_to_mirror(session, config, platform, now, until, keep_ids=shown)
    return rows, records


async def save_mirrored(db: Database, row: MirrorRow, *, sequence: int) -> None:
    """Record (insert or update) what now shows `row.event_id` in `row.guild_id`, in its own transaction."""
    async with db.session() as session:
        stored = await session.get(DiscordScheduledEvent, (row.event_id, row.guild_id))
        if stored is None:
            stored = DiscordScheduledEvent(event_id=row.event_id, guild_id=row.guild_id)
            session.add(stored)
        stored.scheduled_event_id = row.scheduled_event_id
        stored.sequence = sequence
        stored.digest = row.digest
        stored.state = row.state
        stored.ends_at = row.ends_at


async def forget_mirrored(db: Database, event_id: int, guild_id: str) -> None:
    """Forget that `event_id` is shown in `guild_id` (it was removed there, or never made)."""
    async with db.session() as session:
        await session.execute(delete(DiscordScheduledEvent).where(
            DiscordScheduledEvent.event_id == event_id, DiscordScheduledEvent.guild_id == guild_id))
