"""Feeds declared in the config (`[[events.feeds]]`) kept in step with FeedSource rows at start.

Idempotent: a feed already there is updated (its key variable), a new one added, and a config feed
that left the file is disabled (not deleted: its events and history stay; re-adding it revives it).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.feeds.urls import kind_of, stored_url
from storage.models.events import FeedSource
from storage.models.network import Venue

log = logging.getLogger(__name__)


async def sync_config_feeds(session: AsyncSession, config: Config) -> int:
    """Create, update or disable config-origin FeedSource rows; returns how many the config declares."""
    venues = {slug: venue_id for venue_id, slug in await session.execute(select(Venue.id, Venue.slug))}
    existing = {(row.venue_id, row.url): row for row in (await session.execute(select(FeedSource))).scalars()}
    wanted: set[tuple[int, str]] = set()
    for feed in config.events.feeds:
        venue_id = venues.get(feed.venue)
        if venue_id is None:  # the config validation reports it; never crash the start here
            log.warning("feed for unknown venue %r ignored", feed.venue)
            continue
        url = stored_url(feed.url)
        key = (venue_id, url)
        wanted.add(key)
        row = existing.get(key)
        if row is None:
            row = FeedSource(venue_id=venue_id, url=url, kind=kind_of(feed.url), origin="config",
                             enabled=True, error_streak=0, last_error_notified=False)
            session.add(row)
            existing[key] = row
        row.kind = kind_of(feed.url)
        row.key_env = feed.key_env
        row.origin = "config"
        row.enabled = True
    for key, row in existing.items():
        if row.origin == "config" and key not in wanted and row.enabled:
            row.enabled = False
            from adapters.sources.fetch import describe  # here: the fetcher's imports cost every start-up

            log.info("feed %s (%s) is no longer in the config: disabled", row.id, describe(row.url))
    await session.flush()
    return len(config.events.feeds)
