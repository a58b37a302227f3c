"""Data the database must hold before the bot answers anyone: venues and calendar feeds from the
config, the skills taxonomy. Synced at every start, after `maillage db upgrade` and before every CLI
command (bot/cli); every sync is idempotent."""

from __future__ import annotations

from bot.config import Config
from bot.feeds.config_feeds import sync_config_feeds
from storage.db import Database
from storage.migrate import REFERENCE_DATA_LOCK, take_lock
from storage.skills import sync_taxonomy
from storage.venues import sync_config_venues


async def sync_reference_data(db: Database, config: Config) -> None:
    async with db.session() as session:
        # Processes starting together (bot, web, a CLI command) sync one after the other.
        await take_lock(session, REFERENCE_DATA_LOCK)
        await sync_config_venues(session, config.venues, config.network.timezone)
        await sync_config_feeds(session, config)
        await sync_taxonomy(session)
