"""Engines and sessions: SQLite (embedded, the default) or PostgreSQL, both through asyncio drivers.

SQLite gets WAL (readers never block the writer), `foreign_keys=ON` (off by default in SQLite!),
a busy timeout so concurrent writers wait instead of failing, transactions that take the write
lock when they begin (see `_sqlite_begin`), and a `lower()` that knows accents, as PostgreSQL's does
(SQLite's own lowers ASCII only: "Émilie" stayed "Émilie", so a name typed "émilie" was not found).
One session per handled event or job.

`read_session()` is for long reads that write nothing (planning a matchmaking round): on SQLite it
begins a DEFERRED transaction, a WAL snapshot that never takes the write lock, so commands go on
writing meanwhile; it always ends with a rollback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The sqlite3 module's own transaction handling breaks SAVEPOINTs (a RELEASE would commit):
    # turn it off and let SQLAlchemy emit BEGIN itself (see _sqlite_begin), as its docs advise.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
    cursor.execute("PRAGMA secure_delete=ON")  # /forget: erased text is zeroed in the file, not left in free pages
    cursor.close()
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front: a deferred transaction that read, then tries to write
    # after another connection committed, fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT,
    # which the busy timeout cannot wait out). Nearly every transaction here writes anyway.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


READ_ONLY = "maillage_read_only"  # execution option of the engine behind `Database.read_session`


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """The engine and a session factory; `session()` commits on success and rolls back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(self.engine.execution_options(**{READ_ONLY: True}),
                                                expire_on_commit=False, autoflush=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reading only (see the module's docstring): never commits, never locks SQLite."""
        async with self.read_sessions() as session:
            try:
                yield session
            finally:
                session.expunge_all()  # what was read stays readable after the rollback
                await session.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()
