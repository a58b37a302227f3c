"""Storage on SQLite and PostgreSQL for real: ids, times, constraints, migrations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.migrate import current_revisions, head_revisions
from storage.models import Base, Identity, Member, Venue, VenueChat

TELEGRAM_USER = str(2**52 + 12345)  # Telegram user ids need 52 bits
TELEGRAM_SUPERGROUP = "-1002233445566"
DISCORD_SNOWFLAKE = "1234567890123456789"  # 64-bit


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    yield database
    await database.dispose()


async def test_database_is_at_the_latest_revision(db):
    assert await current_revisions(db) == head_revisions()


async def test_models_and_migrations_agree(db):
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == [], "a model changed without a migration (or the reverse)"


async def test_platform_ids_round_trip_without_loss(db):
    async with db.session() as session:
        session.add_all([
            Identity(platform="telegram", platform_user_id=TELEGRAM_USER, display_name="T"),
            Identity(platform="discord", platform_user_id=DISCORD_SNOWFLAKE, display_name="D"),
            VenueChat(platform="telegram", chat_id=TELEGRAM_SUPERGROUP, purpose="programme"),
        ])
    async with db.session() as session:
        ids = set((await session.execute(select(Identity.platform_user_id))).scalars())
        chat = (await session.execute(select(VenueChat.chat_id))).scalar_one()
    assert ids == {TELEGRAM_USER, DISCORD_SNOWFLAKE}
    assert chat == TELEGRAM_SUPERGROUP and int(chat) == -1002233445566


async def test_datetimes_come_back_aware_and_in_utc(db):
    paris_evening = datetime(2026, 3, 29, 20, 30, tzinfo=timezone(timedelta(hours=2)))
    async with db.session() as session:
        session.add(Member(display_name="M", paused_until=paris_evening))
    async with db.session() as session:
        member = (await session.execute(select(Member))).scalar_one()
    assert member.paused_until == paris_evening
    assert member.paused_until.utcoffset() == timedelta(0)
    assert member.visibility == "private" and member.intro_opt_in is False  # private by default


async def test_naive_datetimes_are_refused(db):
    with pytest.raises(Exception, match="naive datetime"):
        async with db.session() as session:
            session.add(Member(display_name="M", paused_until=datetime(2026, 1, 1)))


async def test_unique_identity_per_platform_user(db):
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(Identity(platform="telegram", platform_user_id="1", display_name="a"))
            session.add(Identity(platform="telegram", platform_user_id="1", display_name="b"))
            await session.flush()


async def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(VenueChat(venue_id=999, platform="telegram", chat_id="1", purpose="announcements"))
            await session.flush()


async def test_deleting_a_venue_cascades_to_its_chats(db):
    async with db.session() as session:
        venue = Venue(slug="v", name="V", kind="fablab", join_code="c")
        session.add(venue)
        await session.flush()
        session.add(VenueChat(venue_id=venue.id, platform="telegram", chat_id="1"))
    async with db.session() as session:
        await session.delete((await session.execute(select(Venue))).scalar_one())
    async with db.session() as session:
        assert (await session.execute(select(VenueChat))).first() is None


async def test_sqlite_pragmas(sqlite_url):
    database = Database(sqlite_url)
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() >= 1000
    await database.dispose()


async def test_savepoints_really_roll_back_on_sqlite(sqlite_url):
    """sqlite3's own transaction handling would turn RELEASE into a commit; ours must not."""
    database = Database(sqlite_url)
    with pytest.raises(RuntimeError):
        async with database.session() as session:
            async with session.begin_nested():
                session.add(Member(display_name="ghost"))
            raise RuntimeError("the outer transaction fails")
    async with database.session() as session:
        assert (await session.execute(select(Member))).first() is None
    await database.dispose()
