"""The operator's side: CLI output cannot drive the terminal, and messages with an unknown send
outcome are listed, told once per incident, and resent one by one after checking."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.cli import main
from bot.outbox.unknown import tell_operator
from bot.types import Reply
from storage.db import Database
from storage.models import Identity, Member, OutboxMessage
from storage.models.runtime import OutboxStatus
from storage.outbox import enqueue
from testkit import T0, make_config


def in_db(url: str, work):
    async def go():
        db = Database(url)
        try:
            async with db.session() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_members_codes_escapes_a_name_that_would_clear_the_screen(config_file, sqlite_url, capsys):
    async def seed(session):
        session.add(Member(display_name="\x1b[2J\x1b[HZoé\u202e", claim_code="CODE1"))

    in_db(sqlite_url, seed)
    assert main(["--config", config_file, "members", "codes"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J\\x1b[HZoé\\u202e" in out and "CODE1" in out


async def _unknown_rows(session, count: int, start: int = 0) -> list[int]:
    ids = []
    for n in range(start, start + count):
        await enqueue(session, key=f"k{n}", platform="memory", reply=Reply(f"Bonjour\x1b[31m {n}"), user_id="20",
                      now=T0)
    await session.flush()
    rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.key.in_(
        [f"k{n}" for n in range(start, start + count)])))).scalars().all()
    for row in rows:
        row.status = OutboxStatus.UNKNOWN
        ids.append(row.id)
    return ids


async def _animator(session):
    member = Member(display_name="Animatrice", consent_at=T0)
    session.add(member)
    await session.flush()
    session.add(Identity(member_id=member.id, platform="memory", platform_user_id="animator", display_name="A",
                         dm_status="open"))


def test_unknown_outcomes_listed_told_once_per_incident_and_resent_one_by_one(config_file, sqlite_url, capsys):
    config = make_config(sqlite_url)
    in_db(sqlite_url, _animator)
    first = in_db(sqlite_url, lambda s: _unknown_rows(s, 2))

    async def tell():
        db = Database(sqlite_url)
        try:
            return await tell_operator(db, config, T0)
        finally:
            await db.dispose()

    assert asyncio.run(tell()) == 2
    assert asyncio.run(tell()) == 0, "the same incident is told once"
    in_db(sqlite_url, lambda s: _unknown_rows(s, 1, start=5))
    assert asyncio.run(tell()) == 1, "a new incident is told"

    async def notices(session):
        return (await session.execute(select(OutboxMessage.payload).where(OutboxMessage.purpose == "operator"))).all()

    told = in_db(sqlite_url, notices)
    assert len(told) == 2 and "maillage outbox resend" in told[0][0]["text"]

    assert main(["--config", config_file, "outbox", "unknown"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 3 and "\x1b" not in captured.out and "Bonjour" in captured.out
    assert "3 message(s) with an unknown outcome" in captured.err

    assert main(["--config", config_file, "outbox", "resend", str(first[0])]) == 0
    assert main(["--config", config_file, "outbox", "resend", str(first[0])]) == 1, "now pending: not twice"
    assert "not unknown" in capsys.readouterr().err
    assert main(["--config", config_file, "outbox", "resend", "²"]) == 1
    assert main(["--config", config_file, "outbox", "resend", "999999"]) == 1

    async def status(session):
        return (await session.get(OutboxMessage, first[0])).status

    assert in_db(sqlite_url, status) == OutboxStatus.PENDING
