"""Throw-away PostgreSQL databases for tests and benchmarks: created on the server of a given URL,
named per process so parallel runs never collide, dropped afterwards."""

from __future__ import annotations

import os
import uuid

from sqlalchemy.engine import make_url


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    admin = make_url(url)
    connection = await asyncpg.connect(host=admin.host, port=admin.port or 5432, user=admin.username,
                                       password=admin.password, database=admin.database)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def create_scratch(url: str, prefix: str) -> str:
    """Create an empty database beside the one `url` names; returns its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    await _admin(url, f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def drop_scratch(admin_url: str, scratch_url: str) -> None:
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{make_url(scratch_url).database}" WITH (FORCE)')
