"""Calendar files for audiences and partners, so a university or an E2C can subscribe its people
to what concerns them: `audience_calendar` (events tagged for an audience, e.g. "students") and
`partner_calendar` (a partner's own events, and the network's events for the audiences its kind
serves, see `kinds.KIND_AUDIENCES`).

Like `bot/feeds/calendar_files.py`, each takes the `Database`, reads in one short session, and
answers a `CalendarFile` or None for what does not exist (the web answers a plain 404).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, or_, select

from bot.config import Config
from bot.events.render import AUDIENCE_TAGS, audience_label
from bot.feeds.calendar_files import MAX_SLUG, CalendarFile
from bot.feeds.export import PAST, calendar_bytes
from bot.i18n import Translator
from bot.partners.kinds import KIND_AUDIENCES
from storage.db import Database
from storage.models.events import Event, EventVenue
from storage.venues import venue_by_slug


def _tagged(tag: str):
    # JSON lists are text on SQLite and json on PostgreSQL; both render '"tag"' (as bot/events/queries.py).
    return cast(Event.audience, String).like(f'%"{tag}"%')


def _listed(statement, now: datetime):
    return (statement.where(Event.status.in_(("published", "cancelled")), Event.ends_at > now - PAST)
            .order_by(Event.starts_at, Event.id))


async def audience_calendar(db: Database, config: Config, tag: str, now: datetime) -> CalendarFile | None:
    """The network's events for one audience tag; None for a tag the network does not use."""
    if tag not in AUDIENCE_TAGS:
        return None
    locale = config.network.default_locale
    name = f"{audience_label(tag, Translator(locale)).capitalize()} — {config.network.name}"
    async with db.session() as session:
        events = list((await session.execute(_listed(select(Event).where(_tagged(tag)), now))).scalars())
        body = await calendar_bytes(session, events, name, config.network.timezone, locale=locale)
    return CalendarFile(body, f"audience-{tag}.ics")


async def partner_calendar(db: Database, config: Config, slug: str, now: datetime) -> CalendarFile | None:
    """A partner's calendar; None when `slug` is no partner organisation."""
    if len(slug) > MAX_SLUG:
        return None
    async with db.session() as session:
        venue = await venue_by_slug(session, slug)
        if venue is None or venue.kind != "partner":
            return None
        hosted = select(EventVenue.event_id).where(EventVenue.venue_id == venue.id)
        served = [_tagged(tag) for tag in KIND_AUDIENCES.get(venue.partner_kind or "", ())]
        statement = select(Event).where(or_(Event.id.in_(hosted), *served))
        events = list((await session.execute(_listed(statement, now))).scalars())
        body = await calendar_bytes(session, events, f"{venue.name} — {config.network.name}", venue.timezone,
                                    locale=config.network.default_locale)
    return CalendarFile(body, f"partner-{slug}.ics")
