"""Venues in the database: kept in step with the config, found by slug or join code."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import VenueConfig
from bot.venues.hours_reading import normalized
from storage.models import Venue

JOIN_CODE_BYTES = 12  # 96 random bits: unguessable, and short enough for a Telegram deep link


def new_join_code() -> str:
    return secrets.token_urlsafe(JOIN_CODE_BYTES)


async def upsert_venue(session: AsyncSession, venue: VenueConfig, default_timezone: str) -> tuple[Venue, bool]:
    """Create or update the venue with this slug; returns (venue, created). Never duplicates.

    The row is inserted with ON CONFLICT DO NOTHING first: two processes starting together on a
    database without this venue (PostgreSQL) both get the one row instead of one crashing on
    `uq_venues_slug`.
    """
    # The dialect's insert is imported here: every command syncs venues at start-up, and importing
    # the other database's dialect cost a tenth of a second of it.
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (insert(Venue).values(slug=venue.slug, name=venue.name, kind=venue.kind, join_code=new_join_code())
                 .on_conflict_do_nothing(index_elements=["slug"]).returning(Venue.id))
    created = (await session.execute(statement)).scalar_one_or_none() is not None
    row = (await session.execute(select(Venue).where(Venue.slug == venue.slug)
                                 .execution_options(populate_existing=True))).scalar_one()
    row.name = venue.name
    row.kind = venue.kind
    row.partner_kind = venue.partner_kind
    row.city = venue.city
    row.latitude = venue.latitude
    row.longitude = venue.longitude
    row.timezone = venue.timezone or default_timezone
    row.description = venue.description
    row.website = venue.website
    if venue.hours is not None:  # left out, the hours a host set with /venue_edit stay
        row.hours = normalized(venue.hours)
    await session.flush()
    return row, created


async def sync_config_venues(session: AsyncSession, venues: tuple[VenueConfig, ...], default_timezone: str) -> int:
    for venue in venues:
        await upsert_venue(session, venue, default_timezone)
    return len(venues)


async def venue_by_slug(session: AsyncSession, slug: str) -> Venue | None:
    return (await session.execute(select(Venue).where(Venue.slug == slug))).scalar_one_or_none()


async def venue_by_code(session: AsyncSession, code: str) -> Venue | None:
    if not code or len(code) > 64:
        return None
    return (await session.execute(select(Venue).where(Venue.join_code == code))).scalar_one_or_none()


async def all_venues(session: AsyncSession) -> list[Venue]:
    return list((await session.execute(select(Venue).order_by(Venue.name))).scalars())
