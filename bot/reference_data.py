"""Data the database must hold before the bot answers anyone: venues from the config, the skills
taxonomy. Synced at every start; both syncs are idempotent."""

from __future__ import annotations

from bot.config import Config
from storage.db import Database
from storage.skills import sync_taxonomy
from storage.venues import sync_config_venues


async def sync_reference_data(db: Database, config: Config) -> None:
    async with db.session() as session:
        await sync_config_venues(session, config.venues, config.network.timezone)
        await sync_taxonomy(session)
