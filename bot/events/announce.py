"""Telling the network about events: announcements in chats, change and cancellation notices.

Everything goes through the outbox with deterministic idempotency keys, so calling these functions
twice (a retried job, a double press, the feed importer re-seeing an event) writes each message once:
- announcement: `ev:{event}:ann:{platform}:{chat}` — once per event and chat, ever;
- change notice: `ev:{event}:chg:{sequence}:{member}` — once per change (the sequence counts them);
- cancellation: `ev:{event}:cxl:{sequence}:{member}` and `ev:{event}:cxl:{sequence}:{platform}:{chat}`.
Change and cancellation notices are transactional (the person said they are going), not nudges.
An announcement ends with why it is in that chat and how to stop it (/unlink).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.queries import announcement_chats, members_with_rsvp, venue_ids_of, venues_of
from bot.events.render import event_card
from bot.i18n import Translator
from bot.outbox.notify import member_timezone, notify_chat, notify_member
from bot.types import Button, Reply
from storage.models import Activity, Venue, VenueChat
from storage.models.events import Event

log = logging.getLogger(__name__)


def rsvp_buttons(event: Event, t: Translator, *, going: bool = True, not_going: bool = True) -> tuple:
    row = []
    if going:
        row.append(Button(t("events.rsvp.going_button"), "rsvp", f"{event.id}:y"))
    if not_going:
        row.append(Button(t("events.rsvp.not_going_button"), "rsvp", f"{event.id}:n"))
    return (tuple(row),) if row else ()


async def announce_event(session: AsyncSession, config: Config, event: Event, now: datetime) -> int:
    """Announce a published, upcoming event in its venues' chats and the programme chat, once each.

    Returns how many messages were written (0 when everything was already announced). Called by
    /event on publishing and by the feed importer for newly imported events.
    """
    if event.status != "published" or event.ends_at <= now:
        return 0
    await session.flush()  # the event needs its id, and its venues must be readable
    venue_ids = await venue_ids_of(session, event.id)
    venues = (await venues_of(session, [event.id])).get(event.id, [])
    t = Translator(config.network.default_locale)
    zone = venues[0].timezone if venues else event.timezone
    card = event_card(event, venues, zone, t, now)
    written = 0
    for chat in await announcement_chats(session, config, venue_ids):
        footer = await _why_here(session, config, chat, t)
        reply = Reply(f"{card}\n\n{footer}" if footer else card, title=t("events.announce.title", title=event.title),
                      buttons=rsvp_buttons(event, t, not_going=False))
        key = f"ev:{event.id}:ann:{chat.platform}:{chat.chat_id}"
        written += await notify_chat(session, chat, reply, key=key, purpose="event_announcement", now=now)
    if event.announced_at is None:
        event.announced_at = now
        session.add(Activity(kind="event_published", venue_id=event.venue_id, public=True, created_at=now,
                             data={"event_id": event.id, "title": event.title}))
    return written


async def _why_here(session: AsyncSession, config: Config, chat: VenueChat, t: Translator) -> str:
    """Why a group gets this announcement, and who can stop it. Nothing for a programme chat named
    in the configuration file: /unlink cannot stop that one, the file says so."""
    if chat.venue_id is not None:
        venue = await session.get(Venue, chat.venue_id)
        return t("events.announce.footer", venue=venue.name if venue else "?")
    if chat.id is None:
        return ""
    return t("events.announce.footer_network", network=config.network.name)


@dataclass(frozen=True)
class Told:
    """How many messages a cancellation wrote: to people going or waiting, and to groups."""

    people: int = 0
    groups: int = 0


async def _tell_attendees(session: AsyncSession, config: Config, event: Event, now: datetime, *, notice: str,
                          key: str, purpose: str, with_rsvp: bool) -> int:
    """One notice to each member going or waiting, in their language and time zone."""
    venues = (await venues_of(session, [event.id])).get(event.id, [])
    written = 0
    for member, rsvp in await members_with_rsvp(session, event.id, ("going", "waitlist")):
        zone = await member_timezone(session, member, config.network.timezone)
        # Someone on the waiting list is not going yet: their notice says so, not "free your seat".
        body = f"events.notice.{notice}_waiting_body" if rsvp.status == "waitlist" else f"events.notice.{notice}_body"

        def render(t: Translator, zone: str = zone, body: str = body) -> Reply:
            card = event_card(event, venues, zone, t, now, details=False)
            return Reply(t(body, card=card, button=t("events.rsvp.not_going_button")),
                         title=t(f"events.notice.{notice}_title", title=event.title),
                         buttons=rsvp_buttons(event, t, going=False) if with_rsvp else ())

        written += await notify_member(session, config, member, render, key=key.format(member=member.id),
                                       purpose=purpose, now=now)
    return written


async def notify_change(session: AsyncSession, config: Config, event: Event, now: datetime) -> int:
    """Tell everyone going (and waiting) that the time or place changed; once per change."""
    return await _tell_attendees(session, config, event, now, notice="changed", purpose="event_change",
                                 key=f"ev:{event.id}:chg:{event.sequence}:{{member}}", with_rsvp=True)


async def notify_cancellation(session: AsyncSession, config: Config, event: Event, now: datetime) -> Told:
    """Tell everyone going or waiting, and the chats where it was announced, that it is cancelled."""
    people = await _tell_attendees(session, config, event, now, notice="cancelled", purpose="event_cancelled",
                                   key=f"ev:{event.id}:cxl:{event.sequence}:{{member}}", with_rsvp=False)
    groups = 0
    venues = (await venues_of(session, [event.id])).get(event.id, [])
    if event.announced_at is not None:
        t = Translator(config.network.default_locale)
        zone = venues[0].timezone if venues else event.timezone
        reply = Reply(event_card(event, venues, zone, t, now, details=False),
                      title=t("events.notice.cancelled_title", title=event.title))
        for chat in await announcement_chats(session, config, [v.id for v in venues]):
            key = f"ev:{event.id}:cxl:{event.sequence}:{chat.platform}:{chat.chat_id}"
            groups += await notify_chat(session, chat, reply, key=key, purpose="event_cancelled", now=now)
    return Told(people, groups)


async def cancel_event(session: AsyncSession, config: Config, event: Event, now: datetime) -> Told:
    """Cancel an event and send the notices; a second call changes and sends nothing."""
    if event.status == "cancelled":
        return Told()
    event.status = "cancelled"
    event.cancelled_at = now
    event.sequence += 1
    event.updated_at = now
    await session.flush()
    return await notify_cancellation(session, config, event, now)
