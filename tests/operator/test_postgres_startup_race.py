"""Issue 19.5: processes starting together on PostgreSQL neither crash on the migration nor on the
config's venues (advisory lock around migrations and the reference data, venues upserted)."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import text

from cli_helpers import popen, write_config
from storage.db import Database
from storage.scratch import create_scratch, drop_scratch
from testkit import PG_ENV

pytestmark = pytest.mark.postgres

PROCESSES = 3


@pytest.fixture
def empty_postgres_database():
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set")
    url = asyncio.run(create_scratch(base, "maillage_race"))
    yield url
    asyncio.run(drop_scratch(base, url))


def _all_succeed(processes) -> None:
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err


def test_upgrades_started_together_on_an_empty_database_all_succeed(tmp_path, empty_postgres_database):
    write_config(tmp_path, database=empty_postgres_database)
    _all_succeed([popen(["db", "upgrade"], tmp_path) for _ in range(PROCESSES)])

    async def venues() -> list[str]:
        db = Database(empty_postgres_database)
        try:
            async with db.session() as session:
                return list((await session.execute(text("SELECT slug FROM venues ORDER BY slug"))).scalars())
        finally:
            await db.dispose()

    assert asyncio.run(venues()) == ["fabrique", "hangar", "moulin", "universite"]


def test_commands_started_together_on_a_database_without_the_venues_all_succeed(tmp_path, empty_postgres_database):
    async def migrate_only() -> None:
        from storage.migrate import upgrade

        db = Database(empty_postgres_database)
        await upgrade(db)
        await db.dispose()

    asyncio.run(migrate_only())
    write_config(tmp_path, database=empty_postgres_database)
    _all_succeed([popen(["venues", "list"], tmp_path) for _ in range(PROCESSES)])
