"""Shared fixtures: real databases (SQLite always, PostgreSQL when MAILLAGE_TEST_DATABASE_URL is set),
a test network configuration, and an `App` wired to the in-memory adapter and a manual clock.

SQLite: migrated once per session into a template file, copied for each test (fast, isolated).
PostgreSQL: a database of our own per session (created and dropped here, so parallel runs never
collide), migrated once, emptied between tests. With CI set, a missing PostgreSQL is an error.
"""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from adapters.memory import MemoryAdapter
from bot.app import build_app
from bot.application import App
from bot.clock import ManualClock
from storage.db import Database
from storage.migrate import upgrade
from storage.scratch import create_scratch, drop_scratch
from testkit import PG_ENV, SHARED_DATA, T0, TEST_CONFIG, People, empty_postgres, make_config


def pytest_collection_modifyitems(config, items):
    # In CI nothing may be skipped for want of a part: the PostgreSQL tests and the real-world data run.
    if os.environ.get("CI") and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI is set but {PG_ENV} is not: the PostgreSQL tests must run in CI")
    if os.environ.get("CI") and not SHARED_DATA.is_dir():
        raise pytest.UsageError(f"CI is set but the shared real-world data is not at {SHARED_DATA}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"

    async def make() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await upgrade(db)
        await db.dispose()

    asyncio.run(make())
    return str(path)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set")
    admin = make_url(base)

    async def create() -> str:
        url = await create_scratch(base, "maillage_test")
        db = Database(url)
        await upgrade(db)
        await db.dispose()
        return url

    try:
        url = asyncio.run(create())
    except OSError as error:
        pytest.fail(f"PostgreSQL at {admin.host}:{admin.port} is unreachable: {error}")
    yield url
    asyncio.run(drop_scratch(base, url))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, sqlite_template) -> str:
    """A migrated, empty database; the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    asyncio.run(empty_postgres(url))
    return url


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    """A migrated, empty SQLite database, for tests about behaviour rather than storage."""
    path = tmp_path / "test.sqlite"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def memory() -> MemoryAdapter:
    return MemoryAdapter()


@pytest_asyncio.fixture
async def app(sqlite_url, memory, clock) -> App:
    """The whole bot on SQLite, talking through the memory adapter."""
    app = await build_app(make_config(sqlite_url), adapters=[memory], clock=clock, migrate=False)
    await memory.start(app.core)
    yield app
    await app.close()


@pytest_asyncio.fixture
async def any_app(database_url, memory, clock) -> App:
    """Like `app`, once on SQLite and once on PostgreSQL."""
    app = await build_app(make_config(database_url), adapters=[memory], clock=clock, migrate=False)
    await memory.start(app.core)
    yield app
    await app.close()


@pytest.fixture
def people(app, clock) -> People:
    """Members written straight into the database, for tests of features that need a network."""
    return People(app, clock)


@pytest.fixture
def config_file(tmp_path, sqlite_url, monkeypatch) -> str:
    """The test network as a config file whose database is a migrated SQLite copy, for CLI tests."""
    monkeypatch.setenv("MAILLAGE_DATABASE_URL", sqlite_url)
    path = tmp_path / "config.toml"
    path.write_text(TEST_CONFIG, encoding="utf-8")
    return str(path)
