"""Going / not going, with a capacity, a waiting list, and automatic promotion.

Seats are counted in `Event.going_count`, changed only by conditional UPDATEs:
`SET going_count = going_count + 1 WHERE id = ? AND (capacity IS NULL OR going_count < capacity)`.
The database applies that atomically: on PostgreSQL the second of two concurrent UPDATEs waits for
the first's row lock and re-checks the condition against the committed row (READ COMMITTED), on
SQLite writers are serialised. So two people pressing "going" for the last seat at once never both
get it: one is going, the other is first on the waiting list. Promotions use the same UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.queries import venues_of
from bot.events.render import event_card
from bot.i18n import Translator
from bot.outbox.notify import member_timezone, notify_member
from bot.types import Button, Reply
from storage.models import Member
from storage.models.events import Event, Rsvp


@dataclass
class Outcome:
    """What an RSVP did: `status` is the member's status afterwards; `changed` False when it was already so."""

    status: str  # going | waitlist | cancelled | none
    changed: bool
    position: int = 0  # on the waiting list, from 1
    promoted: list[Member] = field(default_factory=list)


async def take_seat(session: AsyncSession, event_id: int) -> bool:
    result = await session.execute(
        update(Event).where(Event.id == event_id, Event.status == "published",
                            or_(Event.capacity.is_(None), Event.going_count < Event.capacity))
        .values(going_count=Event.going_count + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def release_seat(session: AsyncSession, event_id: int) -> None:
    await session.execute(update(Event).where(Event.id == event_id, Event.going_count > 0)
                          .values(going_count=Event.going_count - 1).execution_options(synchronize_session=False))


async def _rsvp_row(session: AsyncSession, event_id: int, member_id: int) -> Rsvp | None:
    return (await session.execute(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.member_id == member_id))
            ).scalar_one_or_none()


async def waitlist_position(session: AsyncSession, rsvp: Rsvp) -> int:
    ahead = await session.execute(select(func.count()).select_from(Rsvp).where(
        Rsvp.event_id == rsvp.event_id, Rsvp.status == "waitlist",
        or_(Rsvp.queued_at < rsvp.queued_at, (Rsvp.queued_at == rsvp.queued_at) & (Rsvp.id < rsvp.id))))
    return int(ahead.scalar_one()) + 1


async def respond(session: AsyncSession, config: Config, event: Event, member: Member, going: bool,
                  now: datetime) -> Outcome:
    """Record a member's answer. The caller has checked the event is published and upcoming."""
    rsvp = await _rsvp_row(session, event.id, member.id)
    if going:
        if rsvp is not None and rsvp.status in ("going", "waitlist"):
            position = await waitlist_position(session, rsvp) if rsvp.status == "waitlist" else 0
            return Outcome(rsvp.status, False, position)
        if rsvp is None:
            rsvp = Rsvp(event_id=event.id, member_id=member.id, status="cancelled", queued_at=now, created_at=now)
            try:
                async with session.begin_nested():  # the same member pressing twice at once
                    session.add(rsvp)
            except IntegrityError:
                rsvp = await _rsvp_row(session, event.id, member.id)
                assert rsvp is not None
                if rsvp.status != "cancelled":
                    return Outcome(rsvp.status, False)
        rsvp.status = "going" if await take_seat(session, event.id) else "waitlist"
        rsvp.queued_at = now
        rsvp.promoted_at = None
        rsvp.updated_at = now
        await session.flush()
        await session.refresh(event, ["going_count"])
        position = await waitlist_position(session, rsvp) if rsvp.status == "waitlist" else 0
        return Outcome(rsvp.status, True, position)
    if rsvp is None or rsvp.status == "cancelled":
        return Outcome("none" if rsvp is None else "cancelled", False)
    was_going = rsvp.status == "going"
    rsvp.status = "cancelled"
    rsvp.queued_at = now
    rsvp.updated_at = now
    await session.flush()
    promoted: list[Member] = []
    if was_going:
        await release_seat(session, event.id)
        promoted = await promote_waiting(session, config, event, now)
    await session.refresh(event, ["going_count"])
    return Outcome("cancelled", True, promoted=promoted)


async def promote_waiting(session: AsyncSession, config: Config, event: Event, now: datetime) -> list[Member]:
    """Give free seats to the waiting list in order, telling each promoted member once."""
    promoted: list[Member] = []
    if event.status != "published" or event.ends_at <= now:
        return promoted
    while True:
        first = (await session.execute(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status == "waitlist")
                                       .order_by(Rsvp.queued_at, Rsvp.id).limit(1))).scalar_one_or_none()
        if first is None or not await take_seat(session, event.id):
            break
        # The key names this stay on the waiting list, so a member promoted twice (after leaving and
        # queueing again) is told twice, and a retried transaction tells them once.
        key = f"ev:{event.id}:pro:{first.member_id}:{int(first.queued_at.timestamp())}"
        first.status = "going"
        first.promoted_at = now
        first.queued_at = now
        first.updated_at = now
        await session.flush()
        member = await session.get(Member, first.member_id)
        if member is None:
            continue
        await _tell_promoted(session, config, event, member, key, now)
        promoted.append(member)
    await session.refresh(event, ["going_count"])
    return promoted


async def _tell_promoted(session: AsyncSession, config: Config, event: Event, member: Member, key: str,
                         now: datetime) -> None:
    venues = (await venues_of(session, [event.id])).get(event.id, [])
    zone = await member_timezone(session, member, config.network.timezone)

    def render(t: Translator) -> Reply:
        buttons = ((Button(t("events.rsvp.not_going_button"), "rsvp", f"{event.id}:n"),),)
        card = event_card(event, venues, zone, t, now, details=False)
        return Reply(t("events.rsvp.promoted_body", card=card, button=t("events.rsvp.not_going_button")),
                     title=t("events.rsvp.promoted_title", title=event.title), buttons=buttons)

    await notify_member(session, config, member, render, key=key, purpose="event_promoted", now=now)


async def promote_everywhere(session: AsyncSession, config: Config, now: datetime) -> int:
    """Promote on every upcoming event with a free seat and a queue (seats freed by /forget, or a
    capacity raised outside the chat). Run by the reminders job."""
    waiting = select(Rsvp.event_id).where(Rsvp.status == "waitlist")
    events = (await session.execute(select(Event).where(
        Event.status == "published", Event.ends_at > now, Event.id.in_(waiting),
        or_(Event.capacity.is_(None), Event.going_count < Event.capacity)))).scalars().all()
    return sum([len(await promote_waiting(session, config, event, now)) for event in events])
