"""Private venue walls: a random token per venue, required in the URL (`?token=`) when the venue is
listed in `[wall] private_venues`. `maillage wall url VENUE` prints the URL with it."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import select

from bot.config import Config
from storage.models import Venue
from storage.models.wall import WallToken


def is_private(config: Config, slug: str | None) -> bool:
    return slug is not None and slug in config.wall.private_venues


async def venue_token(session, venue: Venue) -> str:
    """The venue's wall token, made on first use."""
    row = await session.get(WallToken, venue.id)
    if row is None:
        row = WallToken(venue_id=venue.id, token=secrets.token_urlsafe(18))
        session.add(row)
        await session.flush()
    return row.token


async def allowed(db, config: Config, slug: str | None, token: str | None) -> bool:
    """May this request see the wall of `slug`? Public walls always; private ones with their token."""
    if not is_private(config, slug):
        return True
    if not token:
        return False
    async with db.session() as session:
        stored = (await session.execute(select(WallToken.token).join(Venue, Venue.id == WallToken.venue_id)
                                        .where(Venue.slug == slug))).scalar_one_or_none()
    return stored is not None and hmac.compare_digest(stored, token)
