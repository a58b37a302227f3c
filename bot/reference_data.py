"""Data the database must hold before the bot answers anyone: venues and calendar feeds from the
config, the skills taxonomy. Synced at every start; every sync is idempotent."""

from __future__ import annotations

from bot.config import Config
from bot.feeds.config_feeds import sync_config_feeds
from storage.db import Database
from storage.skills import sync_taxonomy
from storage.venues import sync_config_venues


async def sync_reference_data(db: Database, config: Config) -> None:
    async with db.session() as session:
        await sync_config_venues(session, config.venues, config.network.timezone)
        await sync_config_feeds(session, config)
        await sync_taxonomy(session)
