"""A backup from before someone's /forget is restored: the bot erases them again, from the hashes kept
in the database and in the file outside it; someone who comes back afterwards is left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.features import erasure
from bot.features.erasure import ERASED_LIST_ENV, person_digest
from jobs.privacy import upkeep
from storage.models import Identity, Member
from storage.models.privacy import ErasedPerson


async def _forget(memory, user_id: str) -> None:
    user = memory.user(user_id)
    await user.send("/oublier")
    await user.press("Oui")


async def _count(app, model) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_only_a_salted_hash_of_the_erased_identity_is_kept(app, memory, people):
    await people.add("Ana", user_id="4815162342")
    await _forget(memory, "4815162342")
    async with app.db.session() as session:
        [row] = (await session.execute(select(ErasedPerson))).scalars().all()
        salt = await erasure.erasure_salt(session)
    assert "4815162342" not in row.digest and row.digest == person_digest(salt, "memory", "4815162342")
    assert row.digest != person_digest("00" * 32, "memory", "4815162342"), "keyed: not a bare hash of the id"


async def test_a_restored_backup_is_erased_again_from_the_file(app, memory, people, tmp_path, monkeypatch, clock):
    monkeypatch.setenv(ERASED_LIST_ENV, str(tmp_path / "erased.txt"))
    database = make_url(app.config.database.url).database
    await people.add("Ana", user_id="10")
    await people.add("Bob", user_id="20")
    await app.db.engine.dispose()
    shutil.copy(database, tmp_path / "backup.sqlite")  # the nightly backup, Ana still in it
    clock.advance(hours=2)
    await _forget(memory, "10")
    assert await _count(app, Member) == 1

    await app.db.engine.dispose()
    for suffix in ("-wal", "-shm"):  # none after a clean close; a restore replaces them anyway
        Path(database + suffix).unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.sqlite", database)  # the restore: Ana is back, the table forgot her
    assert await _count(app, Member) == 2 and await _count(app, ErasedPerson) == 0
    clock.advance(hours=1)
    await upkeep(app)  # the job, as at start
    async with app.db.session() as session:
        names = (await session.execute(select(Member.display_name))).scalars().all()
        ids = (await session.execute(select(Identity.platform_user_id))).scalars().all()
    assert names == ["Bob"] and ids == ["20"]
    assert await _count(app, ErasedPerson) == 1, "the file's hashes are back in the table"

    # Ana comes back later and writes again: a new person, left alone by the next pass.
    clock.advance(days=1)
    await memory.user("10", "Ana").send("/help")
    assert await erasure.reapply(app.db, app.core.registry, app.config, clock.now()) == 0
    assert await _count(app, Identity) == 2
