"""Apply Alembic migrations from code (`maillage db upgrade`, `maillage run`, tests).

Alembic's commands are synchronous; we hand them a connection from our async engine through
`run_sync`, which is Alembic's documented recipe for asyncio applications.

Every CLI command checks first that the database is at the latest revision (`not_ready_reason`);
that check reads the `alembic_version` table and the revision ids written at the top of each
migration file, without importing Alembic (a tenth of a second of every command's start-up). A
test keeps `head_revisions` equal to Alembic's own answer.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


VERSION_TABLE = "alembic_version"


def alembic_config(connection=None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# pg_advisory_xact_lock keys: one for migrations, one for syncing the reference data. Any 64-bit
# numbers do, as long as no other program using the same database takes them.
MIGRATION_LOCK = 0x4D41494C_0001  # "MAIL" 1
REFERENCE_DATA_LOCK = 0x4D41494C_0002


async def take_lock(session: AsyncSession, key: int) -> None:
    """On PostgreSQL, wait for the transaction-scoped advisory lock `key` (released at commit).

    SQLite needs none: its transactions begin with the write lock (storage.db._sqlite_begin).
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def upgrade(db: Database, revision: str = "heads") -> None:
    """Apply migrations up to `revision`; processes starting together migrate one after the other
    (on PostgreSQL, under an advisory lock: the second finds the work done)."""
    from alembic import command

    def run(connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(run)


async def not_ready_reason(db: Database) -> str | None:
    """Why the database cannot serve yet ("never migrated", "at 0012, latest 0016", "cannot connect:
    ..."), or None when it is at the latest revision."""
    try:
        current = await current_revisions(db)
    except Exception as error:  # unreachable, wrong credentials, not a database
        return f"cannot connect: {str(error).splitlines()[0][:160]}"
    heads = head_revisions()
    if current == heads:
        return None
    if not current:
        return "never migrated"
    return f"at {', '.join(sorted(current))}, latest {', '.join(sorted(heads))}"


async def is_migrated(db: Database) -> bool:
    """Whether the database is at the latest revision (False when unreachable or never migrated)."""
    return await not_ready_reason(db) is None


async def current_revisions(db: Database) -> set[str]:
    """The revisions the database is at (Alembic's version table; empty when never migrated)."""
    def read(connection) -> set[str]:
        if not inspect(connection).has_table(VERSION_TABLE):
            return set()
        return {row[0] for row in connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}

    async with db.engine.connect() as connection:
        return await connection.run_sync(read)


def head_revisions() -> set[str]:
    """The latest revisions: those no migration file names as its `down_revision`."""
    revisions, parents = set(), set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values = _module_constants(path, ("revision", "down_revision"))
        if values.get("revision"):
            revisions.add(values["revision"])
        down = values.get("down_revision")
        parents.update(down if isinstance(down, (tuple, list)) else [down] if down else [])
    return revisions - parents


def _module_constants(path: Path, names: tuple[str, ...]) -> dict[str, object]:
    """The literal values assigned to `names` at the top level of a Python file (not executed)."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        else:
            targets = [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names and node.value is not None:
                found[target.id] = ast.literal_eval(node.value)
    return found
