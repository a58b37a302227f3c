"""/forget leaves nothing of the person anywhere: the whole database is dumped afterwards and none
of their name, handle, bio, context line or platform id is found (SQLite: the logical dump and the
file's bytes; PostgreSQL: every row of every table as text).

The same dump taken before /forget finds every one of them, so the search itself is proven to work.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.matchmaking.run import run_round
from bot.types import Button
from storage.models import Member
from testkit import People

NAME, HANDLE, PLATFORM_ID = "Anaïs Quetzal", "anaquetzal", "4815162342"
BIO = "Souffleuse de verre Zorglub"
CONTEXT = "Parlons de fourneaux Kowabunga"
# What must not survive (ASCII parts, so JSON's \\u escapes on SQLite cannot hide them).
SECRETS = ("Quetzal", HANDLE, PLATFORM_ID, "Zorglub", "Kowabunga")


async def _dump(app) -> str:
    url = make_url(app.config.database.url)
    if url.get_backend_name() == "sqlite":
        await app.db.engine.dispose()  # no open connection: the checkpoint moves every page into the file
        with sqlite3.connect(url.database) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            logical = "\n".join(raw.iterdump())
        with open(url.database, "rb") as handle:
            file_bytes = handle.read().decode("utf-8", "replace")
        return logical + "\n" + file_bytes
    async with app.db.engine.connect() as connection:
        tables = (await connection.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))).scalars().all()
        rows = []
        for table in tables:
            rows += (await connection.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t'))).scalars().all()
    return "\n".join(rows)


def _found(dump: str) -> set[str]:
    lowered = dump.casefold()
    return {secret for secret in SECRETS if secret.casefold() in lowered}


async def test_forget_leaves_no_trace_in_the_whole_database(any_app, memory, clock):
    people = People(any_app, clock)
    anais = await people.add(NAME, user_id=PLATFORM_ID, handle=HANDLE, bio=BIO, offers=["3d-printing"])
    bob = await people.add("Bertrand", user_id="20", offers=["woodworking"])
    await people.add("Cléo", user_id="30")
    await people.add("Dan", user_id="40", needs=["3d-printing"])

    # Anaïs asks Bertrand (delivered, then accepted); Cléo asks Anaïs (still pending at /forget).
    ana_user, bob_user, cleo_user = memory.user(PLATFORM_ID), memory.user("20"), memory.user("30")
    await ana_user.press(Button("x", "ireq", f"{bob}:0"))
    await ana_user.send(CONTEXT)
    await cleo_user.press(Button("x", "ireq", f"{anais}:0"))
    await cleo_user.send("Une question sur le verre soufflé")
    await any_app.dispatcher.drain()
    [ask] = memory.to_user("20")
    await bob_user.press(ask.reply.all_buttons()[0])  # accept
    # A matchmaking round proposes Anaïs to someone, delivered.
    assert (await run_round(any_app.db, any_app.config, clock.now())).introductions >= 1
    await any_app.dispatcher.drain()
    assert any("Quetzal" in d.text for d in memory.sent if d.user_id not in (PLATFORM_ID,)), "others heard of her"
    assert _found(await _dump(any_app)) == set(SECRETS), "the dump finds what is there"

    await ana_user.send("/oublier")
    [done] = await ana_user.press("Oui")
    assert "effacé" in done.text
    await any_app.dispatcher.drain()
    assert _found(await _dump(any_app)) == set()
    # Cléo was told, without the name of the person who left.
    [closed] = [d for d in memory.to_user("30") if "pas abouti" in d.text]
    assert "Quetzal" not in closed.text
    async with any_app.db.session() as session:
        assert await session.get(Member, anais) is None
        assert await session.get(Member, bob) is not None
