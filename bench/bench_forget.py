"""Benchmark: /forget on a network whose outbox holds 100,000 delivered messages, on SQLite.

Target (issue 19): the whole erasure — every feature's eraser, the sweep of every outbox row for
mentions of the person, the hashes remembered — under 3 s in the one write transaction of the
press (on SQLite every other writer waits meanwhile). Run:
``python -m bench.bench_forget [--messages 100000] [--quick]``; prints a table.

The outbox: messages to 2,000 other members, 1% of them mention the person who leaves (a request
they sent, a proposal about them), the rest are digests and reminders about other people.
Rows measured: the sweep alone (`blank_mentions`) and /forget end to end through `BotCore.handle`;
each checks that the mentioning rows were all blanked (non-empty work).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_forget.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from adapters.memory import MemoryAdapter  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import DatabaseConfig, parse_config  # noqa: E402
from bot.features.erasure import blank_mentions  # noqa: E402
from bot.types import Button  # noqa: E402
from storage.models import Identity, Member, OutboxMessage  # noqa: E402

NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
TARGET_S = 3.0
NAME, USER_ID = "Anaïs Quetzal", "4815162342"


async def populate(app, messages: int) -> int:
    """Write the person, 2,000 others and the outbox; returns how many rows mention the person."""
    async with app.db.session() as session:
        # Known since before every message: the sweep must scan them all.
        member = Member(display_name=NAME, bio="Souffleuse de verre", visibility="network", consent_at=NOW,
                        created_at=NOW, updated_at=NOW)
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="memory", platform_user_id=USER_ID, handle="anaquetzal",
                             display_name=NAME, dm_status="open", created_at=NOW, last_seen_at=NOW))
        rows, mentioning = [], 0
        for n in range(messages):
            about = n % 100 == 0
            mentioning += about
            text = (f"{NAME} (Le Hangar) te propose une rencontre : impression 3D" if about else
                    f"Programme de la semaine au lieu {n % 30} : atelier {n}, avec Camille {n % 2000}")
            rows.append(dict(key=f"b{n}", platform="memory", user_id=str(10_000 + n % 2000), purpose="digest",
                             nudge=False, payload={"text": text}, status="sent", attempts=1, next_attempt_at=NOW,
                             sent_at=NOW, created_at=NOW))
            if len(rows) == 5000:
                await session.execute(insert(OutboxMessage), rows)
                rows = []
        if rows:
            await session.execute(insert(OutboxMessage), rows)
    return mentioning


async def blanked(app) -> int:
    """Rows whose text was emptied (the sweep's work, read back)."""
    async with app.db.session() as session:
        payloads = (await session.execute(select(OutboxMessage.payload))).scalars()
        return sum(1 for payload in payloads if payload == {"text": ""})


async def run(messages: int) -> list[tuple[str, float, str]]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for row in ("sweep", "forget"):
            url = f"sqlite+aiosqlite:///{folder}/{row}.sqlite"
            config = dataclasses.replace(parse_config('[network]\nname = "Bench"\ntimezone = "Europe/Paris"\n',
                                                      environ={}), database=DatabaseConfig(url=url))
            memory = MemoryAdapter()
            app = await build_app(config, adapters=[memory], clock=ManualClock(NOW), migrate=True)
            await memory.start(app.core)
            try:
                mentioning = await populate(app, messages)
                started = time.perf_counter()
                if row == "sweep":
                    async with app.db.session() as session:
                        done, _ = await blank_mentions(session, {NAME, "anaquetzal", USER_ID})
                else:
                    user = memory.user(USER_ID, NAME)
                    [reply] = await user.press(Button("Oui", "forget", "yes"))
                    done = None
                elapsed = time.perf_counter() - started
                if done is None:
                    assert "effacé" in reply.text, reply.text
                    done = await blanked(app)
                assert done == mentioning and mentioning > 0, (done, mentioning)
                results.append((row, elapsed, f"{mentioning} of {messages} rows mention the person: all blanked"))
            finally:
                await app.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 messages")
    args = parser.parse_args(argv)
    messages = 10_000 if args.quick else args.messages
    results = asyncio.run(run(messages))
    print(f"/forget with {messages:,} outbox rows, SQLite (load average {os.getloadavg()[0]:.1f})")
    print(f"| {'measure':<8} | {'seconds':>8} | target | note")
    print(f"|{'-' * 10}|{'-' * 10}|--------|-----")
    ok = True
    for row, elapsed, note in results:
        met = elapsed < TARGET_S
        ok &= met
        print(f"| {row:<8} | {elapsed:8.2f} | < {TARGET_S:g} s {'ok' if met else 'MISSED'} | {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
