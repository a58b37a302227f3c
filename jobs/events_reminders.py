"""Event reminders: to members going only, before the start (default the day before and an hour before).

Reminders are transactional, not nudges: the member asked for the event by saying "going", a
reminder is part of that, and quiet hours would defer an "in one hour" reminder past the start.
So they do not spend the attention budget and are not deferred.

Exactly once: the job runs every few minutes and, for each configured offset, looks at events whose
start falls in that offset's own window (for 24 h and 1 h: the 24 h reminder is due between 24 h
and 1 h before, the 1 h one in the last hour), so a member never gets a "day before" reminder after
the "hour before" one. The key `ev:{event}:rem:{offset}:{start}:{member}` makes a re-run (or two
processes) write nothing new; the start time is in the key so a moved event is reminded again.
A member who said "going" inside the window (e.g. 3 hours before) does not get that window's
reminder: they have just decided. The same job promotes waiting lists where seats are free.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.announce import rsvp_buttons
from bot.events.queries import venues_of
from bot.events.render import event_card
from bot.events.rsvp import promote_everywhere
from bot.i18n import Translator
from bot.outbox.notify import member_timezone, notify_member
from bot.types import Reply
from storage.db import Database
from storage.models import Member
from storage.models.events import Event, Rsvp

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


def windows(hours: tuple[float, ...], now: datetime) -> list[tuple[float, datetime, datetime]]:
    """(offset, earliest start, latest start) per offset: each offset owns the starts between it
    and the next smaller offset."""
    offsets = sorted(set(hours), reverse=True)
    found = []
    for i, offset in enumerate(offsets):
        smaller = offsets[i + 1] if i + 1 < len(offsets) else 0.0
        found.append((offset, now + timedelta(hours=smaller), now + timedelta(hours=offset)))
    return found


async def remind(session: AsyncSession, config: Config, now: datetime) -> int:
    """Write the reminders due at `now`; returns how many were written."""
    written = 0
    for offset, earliest, latest in windows(config.events.reminder_hours, now):
        rows = list(await session.execute(
            select(Event, Member, Rsvp).join(Rsvp, Rsvp.event_id == Event.id).join(Member, Member.id == Rsvp.member_id)
            .where(Event.status == "published", Event.starts_at > earliest, Event.starts_at <= latest,
                   Rsvp.status == "going").order_by(Event.starts_at, Rsvp.id)))
        venues = await venues_of(session, {event.id for event, _, _ in rows})
        for event, member, rsvp in rows:
            if rsvp.queued_at >= event.starts_at - timedelta(hours=offset):
                continue  # said "going" inside this window: no need to remind them yet
            zone = await member_timezone(session, member, config.network.timezone)
            hosts = venues.get(event.id, [])

            def render(t: Translator, event: Event = event, hosts=hosts, zone: str = zone) -> Reply:
                card = event_card(event, hosts, zone, t, now, details=False)
                return Reply(t("events.reminder.body", card=card, button=t("events.rsvp.not_going_button")),
                             title=t("events.reminder.title", title=event.title),
                             buttons=rsvp_buttons(event, t, going=False))

            key = f"ev:{event.id}:rem:{offset:g}h:{int(event.starts_at.timestamp())}:{member.id}"
            written += await notify_member(session, config, member, render, key=key, purpose="event_reminder",
                                           now=now)
    return written


async def run(db: Database, config: Config, now: datetime) -> tuple[int, int]:
    """One pass: promote waiting lists with free seats, then write due reminders."""
    async with db.session() as session:
        promoted = await promote_everywhere(session, config, now)
        reminded = await remind(session, config, now)
    if promoted or reminded:
        log.info("events: %d reminders written, %d members promoted from waiting lists", reminded, promoted)
    return reminded, promoted


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def job() -> None:
        await run(app.db, app.config, app.clock.now())

    scheduler.add_job(job, "interval", minutes=app.config.events.reminder_check_minutes, id="events_reminders",
                      replace_existing=True)
