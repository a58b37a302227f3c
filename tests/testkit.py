"""Shared test data and helpers, importable from any test as `testkit` (tests/ is on sys.path).

Kept out of conftest.py on purpose: several folders have their own conftest.py, and a plain
`from conftest import ...` could pick up the wrong one.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from sqlalchemy import text

from bot.config import Config, DatabaseConfig, parse_config
from storage.db import Database
from storage.models import Base

PG_ENV = "MAILLAGE_TEST_DATABASE_URL"

TEST_CONFIG = """
[network]
name = "Réseau Test"
timezone = "Europe/Paris"
animators = ["memory:animator"]

[[venues]]
slug = "hangar"
name = "Le Hangar"
kind = "coworking"
city = "Nantes"
latitude = 47.2065
longitude = -1.5632

[[venues]]
slug = "fabrique"
name = "La Fabrique"
kind = "fablab"
city = "Saint-Nazaire"
latitude = 47.2735
longitude = -2.2138

[[venues]]
slug = "moulin"
name = "Le Moulin"
kind = "tiers-lieu"
city = "Clisson"

[[venues]]
slug = "universite"
name = "Université"
kind = "partner"
partner_kind = "university"
city = "Nantes"
"""

# A Wednesday morning in Paris, in working hours.
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def make_config(url: str, extra: str = "", **replace) -> Config:
    """The test network's configuration (plus `extra` TOML) on the database at `url`."""
    config = parse_config(TEST_CONFIG + extra, environ={})
    return dataclasses.replace(config, database=DatabaseConfig(url=url), **replace)


async def empty_postgres(url: str) -> None:
    """Remove every row from every table (between tests sharing one PostgreSQL database)."""
    db = Database(url)
    async with db.engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await db.dispose()
