"""The network programme for venues' websites: the JSON API and the embeddable widget read it.

Published events of the next 60 days (cancelled ones flagged), co-hosted events once, this venue's
events first when one is named; events a moderator hid from the wall are left out here too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.config import Config
from bot.events.queries import ProgrammeFilter, programme, venues_of
from bot.events.render import format_span
from bot.i18n import Translator
from bot.wall.links import event_payload, start_link
from bot.wall.moderation import hidden_items
from storage.models import Venue

DAYS = 60
LIMIT = 200


async def programme_json(db, config: Config, now: datetime, venue_slug: str | None, locale: str) -> list[dict] | None:
    """Upcoming events as JSON-ready dicts; None when `venue_slug` names no venue."""
    t = Translator(locale)
    async with db.session() as session:
        if venue_slug and (await session.execute(select(Venue.id).where(Venue.slug == venue_slug))).first() is None:
            return None
        hidden = await hidden_items(session)
        spec = ProgrammeFilter(start=now, end=now + timedelta(days=DAYS), include_cancelled=True)
        events = [e for e in await programme(session, spec, limit=LIMIT) if f"event:{e.id}" not in hidden]
        hosts = await venues_of(session, [e.id for e in events])
    found = []
    for event in events:
        venues = hosts.get(event.id, [])
        found.append({
            "id": event.id, "title": event.title, "description": event.description,
            "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat(),
            "timezone": event.timezone, "all_day": event.all_day, "when": format_span(event, event.timezone, t, now),
            "status": event.status, "capacity": event.capacity,
            "seats_left": None if event.capacity is None else max(0, event.capacity - event.going_count),
            "venues": [{"slug": v.slug, "name": v.name, "city": v.city} for v in venues],
            "url": event.url, "rsvp_link": start_link(config, event_payload(event.id)),
        })
    if venue_slug:
        found.sort(key=lambda e: all(v["slug"] != venue_slug for v in e["venues"]))  # stable: by time within
    return found


async def venues_json(db, config: Config) -> list[dict]:
    async with db.session() as session:
        venues = list((await session.execute(select(Venue).order_by(Venue.name))).scalars())
    return [{"slug": v.slug, "name": v.name, "kind": v.kind, "partner_kind": v.partner_kind, "city": v.city,
             "latitude": v.latitude, "longitude": v.longitude, "website": v.website, "description": v.description,
             "join_link": None if v.slug in config.wall.private_venues else start_link(config, v.join_code), "wall": f"/wall/{v.slug}",
             "private_wall": v.slug in config.wall.private_venues}
            for v in venues]
