"""Venues in the database: kept in step with the config, found by slug or join code."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import VenueConfig
from storage.models import Venue

JOIN_CODE_BYTES = 12  # 96 random bits: unguessable, and short enough for a Telegram deep link


def new_join_code() -> str:
    return secrets.token_urlsafe(JOIN_CODE_BYTES)


async def upsert_venue(session: AsyncSession, venue: VenueConfig, default_timezone: str) -> tuple[Venue, bool]:
    """Create or update the venue with this slug; returns (venue, created). Never duplicates."""
    row = (await session.execute(select(Venue).where(Venue.slug == venue.slug))).scalar_one_or_none()
    created = row is None
    if row is None:
        row = Venue(slug=venue.slug, join_code=new_join_code())
        session.add(row)
    row.name = venue.name
    row.kind = venue.kind
    row.partner_kind = venue.partner_kind
    row.city = venue.city
    row.latitude = venue.latitude
    row.longitude = venue.longitude
    row.timezone = venue.timezone or default_timezone
    row.description = venue.description
    row.website = venue.website
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
