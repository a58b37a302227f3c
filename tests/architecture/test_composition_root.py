"""Services live in the app that built them: two apps in one process share nothing.

The directory's change feed watches one `Database` (not SQLAlchemy's global `Session`), and the
directory index belongs to its core; a second app on another database neither sees the first one's
writes nor disturbs its index.
"""

from __future__ import annotations

import dataclasses
import shutil

from sqlalchemy import event
from sqlalchemy.orm import Session

from adapters.memory import MemoryAdapter
from bot.app import build_app
from bot.config import DatabaseConfig, parse_config
from bot.directory import changes
from storage.models import Member
from testkit import TEST_CONFIG, People, make_config


async def test_two_apps_in_one_process_keep_their_own_directory(sqlite_url, tmp_path, sqlite_template, clock):
    other_path = tmp_path / "other.sqlite"
    shutil.copy(sqlite_template, other_path)
    first_memory, second_memory = MemoryAdapter(), MemoryAdapter()
    first = await build_app(make_config(sqlite_url), adapters=[first_memory], clock=clock, migrate=False)
    second = await build_app(make_config(f"sqlite+aiosqlite:///{other_path}"), adapters=[second_memory],
                             clock=clock, migrate=False)
    try:
        await first_memory.start(first.core)
        await second_memory.start(second.core)
        assert first.core.directory is not second.core.directory
        assert first.core.directory.feed is not second.core.directory.feed
        await People(first, clock).add("Ana", offers=["3d-printing"])
        await People(first, clock).add("Me", user_id="1")
        await People(second, clock).add("Me", user_id="1")
        before = second.core.directory.feed.position
        # A profile edit in the first app is published in its feed only.
        async with first.db.session() as session:
            ana = (await session.execute(Member.__table__.select().where(Member.display_name == "Ana"))).first()
            row = await session.get(Member, ana.id)
            row.bio = "Je répare des imprimantes"
        assert second.core.directory.feed.position == before
        first_user, second_user = first_memory.user("1"), second_memory.user("1")
        await first_user.send("/chercher impression 3d")
        assert "Ana" in first_user.text
        await second_user.send("/chercher impression 3d")
        assert "Ana" not in second_user.text
    finally:
        await first.close()
        await second.close()


async def test_the_change_feed_listens_on_no_global_session():
    # Nothing is registered on SQLAlchemy's Session class at import: only build_app attaches a feed.
    for name, listener in (("after_flush", changes._after_flush), ("do_orm_execute", changes._bulk_statement),
                           ("after_soft_rollback", changes._after_rollback)):
        assert not event.contains(Session, name, listener)


async def test_a_rolled_back_edit_publishes_nothing(app, people, clock):
    await people.add("Ana", offers=["3d-printing"])
    feed = app.core.directory.feed
    before = feed.position
    try:
        async with app.db.session() as session:
            session.add(Member(display_name="Ghost", locale="fr", visibility="network"))
            await session.flush()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert feed.position == before
    async with app.db.session() as session:
        session.add(Member(display_name="Bob", locale="fr", visibility="network"))
        await session.flush()
    assert feed.position == before + 1


async def test_the_platform_adapters_get_only_what_they_use(sqlite_url, clock):
    # Built (not started) from the config: the callback and the registry are the core's, wired here.
    tokens = {"TELEGRAM_TOKEN": "123456:test-token", "DISCORD_TOKEN": "discord-test-token"}
    config = dataclasses.replace(parse_config(TEST_CONFIG + "\n[telegram]\n[discord]\n", environ=tokens),
                                 database=DatabaseConfig(url=sqlite_url))
    app = await build_app(config, clock=clock, migrate=False, platform_adapters=True)
    try:
        telegram, discord = app.adapters["telegram"], app.adapters["discord"]
        assert telegram.on_chat_migrated == app.core.chat_migrated
        assert telegram.default_locale == discord.default_locale == "fr"
        assert discord.registry is app.core.registry and discord.core is None  # the core comes with start()
    finally:
        await app.close()
