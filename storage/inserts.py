"""`insert_once`: an INSERT that does nothing when the row's key already exists, on both databases.

Used wherever "at most once" is kept by a unique key (outbox idempotency keys, handled deliveries):
the row is written in the caller's transaction, so the key and the work it guards commit together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_once(session: AsyncSession, model: type, values: dict[str, Any], key: list[str]) -> bool:
    """Insert `values` into `model`'s table unless a row with the same `key` columns exists.

    Returns whether the row was written. On PostgreSQL a concurrent insert of the same key waits for
    the other transaction and then does nothing (ON CONFLICT DO NOTHING).
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = await session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=key))
    return bool(result.rowcount)
