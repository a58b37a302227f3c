"""Taking an item off the wall, and putting it back: "event:12" (an event) or "member:5" (a person).

A hidden item disappears from every screen at once: hiding writes a `wall_changes` row in the same
transaction (`record`, so the CLI, whose sessions are not watched, works the same). Who may hide
what is the caller's check (`venues_of_item` says which venues an item belongs to): an animator
anything, a host what belongs to their venue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.wall.changes import record
from bot.wall.privacy import first_name
from storage.models import Member
from storage.models.events import Event, EventVenue
from storage.models.wall import WallConsent, WallHidden

KINDS = {"e": "event", "event": "event", "m": "member", "member": "member"}
_ITEM = re.compile(r"^\s*(e|event|m|member)\s*[:#]?\s*(\d{1,12})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    kind: str  # event | member
    id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def short(self) -> str:
        return f"{self.kind[0]}{self.id}"


def parse_item(text: str) -> Item | None:
    """"event:12", "e12", "m 5", "member#5" -> an Item; anything else None."""
    found = _ITEM.match(text or "")
    if found is None:
        return None
    return Item(KINDS[found.group(1).lower()], int(found.group(2)))


async def describe(session: AsyncSession, item: Item) -> tuple[str, set[int]] | None:
    """The item's label (an event's title, a member's first name) and its venues; None if unknown."""
    if item.kind == "event":
        event = await session.get(Event, item.id)
        if event is None or event.status == "draft":
            return None
        venues = set((await session.execute(select(EventVenue.venue_id).where(EventVenue.event_id == item.id))).scalars())
        return event.title, venues
    member = await session.get(Member, item.id)
    if member is None:
        return None
    return first_name(member.display_name), {member.home_venue_id} if member.home_venue_id else set()


async def hidden_items(session: AsyncSession) -> set[str]:
    return set((await session.execute(select(WallHidden.item))).scalars())


async def hide(session: AsyncSession, item: Item, by: str, now: datetime) -> bool:
    """Hide the item; False when it was hidden already."""
    if await session.get(WallHidden, item.key) is not None:
        return False
    session.add(WallHidden(item=item.key, hidden_by=by[:80], created_at=now))
    await session.flush()
    await record(session, ["all"], now)
    return True


async def show(session: AsyncSession, item: Item, now: datetime) -> bool:
    """Put a hidden item back; False when it was not hidden."""
    row = await session.get(WallHidden, item.key)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    await record(session, ["all"], now)
    return True


async def list_hidden(session: AsyncSession) -> list[WallHidden]:
    return list((await session.execute(select(WallHidden).order_by(WallHidden.created_at))).scalars())


@dataclass(frozen=True)
class Shown:
    item: Item
    label: str
    venue_ids: frozenset[int]
    hidden: bool


async def moderatable(session: AsyncSession, now: datetime, venue_ids: set[int] | None, limit: int = 8) -> list[Shown]:
    """What a moderator may act on: members on the wall and the coming events, newest first, then
    what is hidden; `venue_ids` None for an animator (everything), else the hosted venues."""
    hidden = await hidden_items(session)
    found: list[Shown] = []
    members = (await session.execute(
        select(Member).join(WallConsent, WallConsent.member_id == Member.id)
        .order_by(WallConsent.created_at.desc()).limit(100))).scalars()
    for member in members:
        venues = frozenset({member.home_venue_id} if member.home_venue_id else set())
        if venue_ids is None or venues & venue_ids:
            item = Item("member", member.id)
            found.append(Shown(item, first_name(member.display_name), venues, item.key in hidden))
    events = (await session.execute(
        select(Event).where(Event.status == "published", Event.ends_at > now, Event.starts_at < now + timedelta(days=14))
        .order_by(Event.starts_at).limit(100))).scalars()
    for event in events:
        venues = frozenset((await session.execute(
            select(EventVenue.venue_id).where(EventVenue.event_id == event.id))).scalars())
        if venue_ids is None or venues & venue_ids:
            item = Item("event", event.id)
            found.append(Shown(item, event.title, venues, item.key in hidden))
    shown = [s for s in found if not s.hidden][:limit]
    return shown + [s for s in found if s.hidden][:limit]
