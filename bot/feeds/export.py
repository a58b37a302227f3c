"""The programme as iCalendar files: the network's, a venue's, a member's own events.

What calendar apps (Google, Apple, Thunderbird) need to subscribe reliably:
- a VTIMEZONE for every zone used (icalendar's `add_missing_timezones`), times written in the
  event's own zone so recurring local times survive daylight-saving changes;
- a stable UID per event (`event-{id}@maillage`: an imported occurrence is one event here, and
  reusing the source's UID would clash with the source calendar if both are subscribed);
- SEQUENCE, DTSTAMP and LAST-MODIFIED from the event row, so an unchanged programme exports
  byte-identical files (cheap ETags, no spurious updates);
- cancelled events kept, with STATUS:CANCELLED, so subscribers see them disappear;
- audiences as readable CATEGORIES in the network's language ("Étudiant·es", not "students");
- in a member's own calendar, events they are only waiting for are TENTATIVE and say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as VEvent
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events.queries import venues_of
from bot.events.render import audience_label
from bot.i18n import DEFAULT_LOCALE, Translator
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.network import Venue

PRODID = "-//Maillage//Programme//FR"
UID_DOMAIN = "maillage"
PAST = timedelta(days=30)  # cancelled or past events stay this long in the files


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{UID_DOMAIN}"


async def network_events(session: AsyncSession, now: datetime) -> list[Event]:
    return await _events(session, select(Event), now)


async def venue_events(session: AsyncSession, venue_id: int, now: datetime) -> list[Event]:
    hosted = select(EventVenue.event_id).where(EventVenue.venue_id == venue_id)
    return await _events(session, select(Event).where(Event.id.in_(hosted)), now)


async def member_events(session: AsyncSession, member_id: int, now: datetime) -> list[Event]:
    """Events the member is going to or waiting for, and cancelled ones they had answered."""
    answered = select(Rsvp.event_id).where(Rsvp.member_id == member_id, Rsvp.status.in_(("going", "waitlist")))
    return await _events(session, select(Event).where(Event.id.in_(answered)), now)


async def _events(session: AsyncSession, statement, now: datetime) -> list[Event]:
    statement = statement.where(Event.status.in_(("published", "cancelled")), Event.ends_at > now - PAST)
    return list((await session.execute(statement.order_by(Event.starts_at, Event.id))).scalars())


async def calendar_bytes(session: AsyncSession, events: Sequence[Event], name: str, default_zone: str, *,
                         locale: str = DEFAULT_LOCALE, waiting: frozenset[int] = frozenset()) -> bytes:
    """An iCalendar file of `events`, named `name` in calendar apps, labelled in `locale`;
    events whose id is in `waiting` are the reader's waiting-list places (TENTATIVE)."""
    hosts = await venues_of(session, [event.id for event in events])
    return build_calendar(events, hosts, name, default_zone, locale=locale, waiting=waiting).to_ical()


async def member_calendar_bytes(session: AsyncSession, member_id: int, now: datetime, name: str, default_zone: str,
                                locale: str = DEFAULT_LOCALE) -> bytes:
    """A member's private calendar: what they go to, and what they wait for, marked as such."""
    events = await member_events(session, member_id, now)
    waiting = frozenset((await session.execute(
        select(Rsvp.event_id).where(Rsvp.member_id == member_id, Rsvp.status == "waitlist"))).scalars())
    return await calendar_bytes(session, events, name, default_zone, locale=locale, waiting=waiting)


def build_calendar(events: Sequence[Event], hosts: dict[int, list[Venue]], name: str, default_zone: str, *,
                   locale: str = DEFAULT_LOCALE, waiting: frozenset[int] = frozenset()) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", default_zone)
    t = Translator(locale)
    for event in events:
        calendar.add_component(_vevent(event, hosts.get(event.id, []), t, waiting=event.id in waiting))
    if events:
        # Transitions covering every event, on year boundaries so the output is stable.
        first = min(e.starts_at for e in events).year - 1
        last = max(e.ends_at for e in events).year + 2
        calendar.add_missing_timezones(date(first, 1, 1), date(last, 1, 1))
        # icalendar adds the VTIMEZONEs in set order, which follows the hash seed: sort them, so two
        # exports of one programme are byte-identical in any process (the ETags depend on it).
        zones = sorted((c for c in calendar.subcomponents if c.name == "VTIMEZONE"), key=lambda c: str(c["TZID"]))
        others = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
        calendar.subcomponents[:] = zones + others
    return calendar


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _vevent(event: Event, venues: Sequence[Venue], t: Translator, *, waiting: bool = False) -> VEvent:
    item = VEvent()
    item.add("uid", event_uid(event))
    zone = _zone(event.timezone)
    if event.all_day:
        start = event.starts_at.astimezone(zone).date()
        end = max(event.ends_at.astimezone(zone).date(), start + timedelta(days=1))
        item.add("dtstart", start)
        item.add("dtend", end)
    else:
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", max(event.ends_at, event.starts_at).astimezone(zone))
    item.add("dtstamp", event.updated_at)
    item.add("created", event.created_at)
    item.add("last-modified", event.updated_at)
    item.add("sequence", event.sequence)
    item.add("summary", t("events.calendar.waiting_summary", title=event.title) if waiting else event.title)
    item.add("status", "CANCELLED" if event.status == "cancelled" else "TENTATIVE" if waiting else "CONFIRMED")
    place = ", ".join(venue.name for venue in venues)
    if event.location:
        place = f"{place} — {event.location}" if place else event.location
    if place:
        item.add("location", place)
    if event.description:
        item.add("description", event.description)
    if event.url:
        item.add("url", event.url)
    if event.audience:
        item.add("categories", [audience_label(tag, t) for tag in event.audience])
    return item
