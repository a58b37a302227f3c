"""Benchmark: a broadcast of 500 DMs through the real outbox dispatcher and the Telegram adapter.

Target (issue 6): Telegram's limits respected (at most 30 messages in any second overall, one chat
never faster than its pace), nothing lost, nothing doubled, and a pace as close to 30 messages/s as
the limit allows. Time is simulated: the pace limiter sleeps on a clock that jumps instead of
waiting, and the dispatcher's clock is the same one, so 500 messages take a fraction of a second
to run yet are timed as Telegram would see them. The HTTP layer is a fake Bot API that records each
request (and can answer 429 or drop a request, to show the limits still hold when it does).

With `flood_rate`, a seeded share of all calls (30 % in the table's last rows, issue 18.2) is answered
429 with a `retry_after` of 1 to 5 s: everything must still arrive once, and nothing be sent inside
a wait Telegram asked for ("early"). `tests/reliability/test_flood_control.py` asserts those rows.

Run: `.venv/bin/python bench/bench_telegram_broadcast.py [--messages 500]`; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.request import BaseRequest, RequestData  # noqa: E402

from adapters.telegram.adapter import TelegramAdapter  # noqa: E402
from adapters.telegram.limits import ThroughputLimiter  # noqa: E402
from bench.guard import require  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import TelegramConfig  # noqa: E402
from bot.outbox.dispatcher import OutboxDispatcher  # noqa: E402
from bot.types import Reply  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from storage.outbox import enqueue  # noqa: E402

TOKEN = "123456:BENCH-token"
START = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
RETRY_AFTERS = (1, 2, 3, 5)  # seconds a flood-control answer asks to wait


class SimulatedTime:
    """A clock for one sender at a time: `sleep` moves time forward instead of waiting.

    It also drives a `ManualClock`, so the outbox dispatcher's timestamps follow the same time.
    Exact as long as only one coroutine sleeps on it at once (the dispatcher sends one by one).
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.origin = clock.now()
        self._last_seen = self.origin
        self._now = 0.0  # kept as a float: datetimes round to microseconds

    def monotonic(self) -> float:
        if self.clock.now() != self._last_seen:  # someone else moved the clock (the bench's loop)
            self._now = (self.clock.now() - self.origin).total_seconds()
            self._last_seen = self.clock.now()
        return self._now

    async def sleep(self, seconds: float) -> None:
        self._now = self.monotonic() + max(seconds, 0.0)
        self.clock.set(self.origin + timedelta(seconds=self._now))
        self._last_seen = self.clock.now()
        await asyncio.sleep(0)


@dataclass
class FakeBotApi(BaseRequest):
    """Answers the Bot API like Telegram would, records sends with the simulated time."""

    time: SimulatedTime
    faults: dict[int, dict[str, Any]] = field(default_factory=dict)  # nth sendMessage call -> error answer
    sent: list[tuple[float, int, str]] = field(default_factory=list)
    calls: int = 0
    # A share of all sendMessage calls answered 429 with a retry_after drawn from RETRY_AFTERS (seeded).
    flood_rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    refusals: list[tuple[float, int, float]] = field(default_factory=list)  # (time, chat, retry_after)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        if endpoint == "getMe":
            return self._ok({"id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_bot"})
        if endpoint != "sendMessage":
            return self._ok(True)
        self.calls += 1
        fault = self.faults.pop(self.calls, None)
        if fault is not None:
            if fault.get("drop"):
                import httpx

                from telegram.error import NetworkError
                raise NetworkError("httpx.RemoteProtocolError: dropped") from httpx.RemoteProtocolError("dropped")
            return fault["status"], json.dumps({"ok": False, **fault["body"]}).encode()
        chat_id = int(params["chat_id"])
        if self.flood_rate and self.rng.random() < self.flood_rate:
            wait = self.rng.choice(RETRY_AFTERS)
            self.refusals.append((self.time.monotonic(), chat_id, float(wait)))
            return 429, json.dumps({"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {wait}",
                                    "parameters": {"retry_after": wait}}).encode()
        self.sent.append((self.time.monotonic(), chat_id, str(params["text"])))
        message = {"message_id": len(self.sent), "date": int(START.timestamp()), "text": params["text"],
                   "chat": {"id": chat_id, "type": "private", "first_name": "X"}}
        return self._ok(message)

    @staticmethod
    def _ok(result: Any) -> tuple[int, bytes]:
        return 200, json.dumps({"ok": True, "result": result}).encode()


@dataclass
class Figures:
    messages: int
    delivered: int
    distinct: int
    duplicates: int
    simulated_seconds: float
    rate: float
    max_in_any_second: int
    max_per_chat_in_3s: int
    max_per_chat_in_60s: int
    min_gap_in_a_chat: float
    max_gap_in_a_chat: float
    wall_seconds: float
    statuses: dict[str, int]
    refused: int = 0  # 429 answers
    early: int = 0  # sends inside the wait a 429 asked for (must be 0)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most sends inside any half-open interval of `window` seconds."""
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window - 1e-9:
            start += 1
        best = max(best, end - start + 1)
    return best


def sent_while_paused(sent: list[float], refusals: list[tuple[float, int, float]]) -> int:
    """Sends that came inside a wait a 429 asked for (Telegram's flood control pauses the bot)."""
    return sum(1 for at in sent for refused_at, _, wait in refusals if refused_at < at < refused_at + wait - 1e-6)


async def run_broadcast(database_url: str, messages: int = 500, *, faults: bool = False,
                        chats: int | None = None, groups: int | None = None, flood_rate: float = 0.0,
                        seed: int = 0) -> Figures:
    """Enqueues `messages` DMs (to `chats` people, default one each), or group messages spread over
    `groups` group chats, and drains the outbox. `flood_rate`: the share of calls answered 429."""
    clock = ManualClock(START)
    time_source = SimulatedTime(clock)
    api = FakeBotApi(time_source, flood_rate=flood_rate, rng=random.Random(seed))
    if faults:  # a 429 and a dropped connection on the way: the pace and the count must survive them
        api.faults = {100: {"status": 429, "body": {"error_code": 429, "description": "Too Many Requests: retry after 2",
                                                    "parameters": {"retry_after": 2}}},
                      250: {"drop": True}}
    config = TelegramConfig(set_commands=False)
    object.__setattr__(config, "token", TOKEN)  # as the config loader does from the environment
    limiter = ThroughputLimiter(global_per_second=config.global_per_second, private_per_second=config.private_per_second,
                                private_burst=config.private_burst, group_per_minute=config.group_per_minute,
                                clock=time_source)
    adapter = TelegramAdapter(config, request=api, limiter=limiter)
    db = Database(database_url)
    await adapter.application.bot.initialize()
    people = chats or messages
    async with db.session() as session:
        for n in range(messages):
            target = ({"chat_id": str(-100_000 - n % groups)} if groups else {"user_id": str(10_000 + n % people)})
            await enqueue(session, key=f"bench:{n}", platform="telegram", **target,
                          reply=Reply(f"Programme de la semaine n°{n}"), purpose="digest", not_before=START)
    from bot.config import OutboxConfig

    dispatcher = OutboxDispatcher(db, {"telegram": adapter}, OutboxConfig(backoff_seconds=1.0), clock)
    started = time.perf_counter()
    for _ in range(10_000):  # bounded: waits for paused platforms and retries by moving the clock
        handled = await dispatcher.drain()
        async with db.session() as session:
            from sqlalchemy import func, select

            rows = dict((await session.execute(select(OutboxMessage.status, func.count())
                                               .group_by(OutboxMessage.status))).all())
            due = (await session.execute(select(func.min(OutboxMessage.next_attempt_at))
                                         .where(OutboxMessage.status == "pending"))).scalar()
        if not rows.get("pending"):
            break
        if due is not None:  # nothing due, or the platform is paused after a 429: let time pass
            due = due if due.tzinfo else due.replace(tzinfo=timezone.utc)
            if api.refusals:  # the wait the last 429 asked for (the dispatcher pauses the platform that long)
                refused_at, _, wait = api.refusals[-1]
                due = max(due, time_source.origin + timedelta(seconds=refused_at + wait))
            step = timedelta(milliseconds=1 if handled else 50)
            clock.set(max(clock.now(), due) + step)
    wall = time.perf_counter() - started
    await adapter.application.bot.shutdown()
    await db.dispose()
    times = [at for at, _, _ in api.sent]
    texts = [text for _, _, text in api.sent]
    per_chat: dict[int, list[float]] = {}
    for at, chat_id, _ in api.sent:
        per_chat.setdefault(chat_id, []).append(at)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return Figures(messages=messages, delivered=len(api.sent), distinct=len(set(texts)),
                   duplicates=len(texts) - len(set(texts)), simulated_seconds=span,
                   rate=(len(times) - 1) / span if span else float("inf"),
                   max_in_any_second=max_in_window(times),
                   max_per_chat_in_3s=max(max_in_window(ts, 3.0) for ts in per_chat.values()),
                   max_per_chat_in_60s=max(max_in_window(ts, 60.0) for ts in per_chat.values()),
                   min_gap_in_a_chat=min((b - a for ts in per_chat.values() for a, b in zip(ts, ts[1:])), default=0.0),
                   max_gap_in_a_chat=max((b - a for ts in per_chat.values() for a, b in zip(ts, ts[1:])), default=0.0),
                   wall_seconds=wall, statuses=rows, refused=len(api.refusals),
                   early=sent_while_paused(times, api.refusals))


def print_table(rows: list[tuple[str, Figures]]) -> None:
    header = (f"{'scenario':<32}{'sent':>6}{'dupes':>7}{'429s':>6}{'early':>6}{'sim s':>8}{'msg/s':>8}{'max/1s':>8}"
              f"{'chat/3s':>9}{'chat/60s':>9}{'gap min-max s':>15}{'wall s':>8}")
    print(header)
    print("-" * len(header))
    for name, f in rows:
        print(f"{name:<32}{f.delivered:>6}{f.duplicates:>7}{f.refused:>6}{f.early:>6}{f.simulated_seconds:>8.2f}{f.rate:>8.2f}"
              f"{f.max_in_any_second:>8}{f.max_per_chat_in_3s:>9}{f.max_per_chat_in_60s:>9}"
              f"{f'{f.min_gap_in_a_chat:.2f}-{f.max_gap_in_a_chat:.2f}':>15}{f.wall_seconds:>8.2f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, kwargs in (("500 people, clean", {}), ("500 people, 429 + drop", {"faults": True}),
                             ("50 people x 10 messages", {"chats": 50}),
                             ("1 group x 60 messages", {"groups": 1, "messages": 60}),
                             ("10 groups x 30 messages", {"groups": 10, "messages": 300}),
                             ("500 people, 429 on 30 %", {"flood_rate": 0.3, "seed": 1}),
                             ("50 people x 10, 429 on 30 %", {"chats": 50, "flood_rate": 0.3, "seed": 2}),
                             ("10 groups x 30, 429 on 30 %", {"groups": 10, "messages": 300, "flood_rate": 0.3,
                                                              "seed": 3})):
            url = f"sqlite+aiosqlite:///{tmp}/{len(rows)}.sqlite"
            db = Database(url)
            await upgrade(db)
            await db.dispose()
            count = kwargs.pop("messages", args.messages)
            rows.append((name, await run_broadcast(url, count, **kwargs)))
    print_table(rows)
    for name, figures in rows:
        require(figures.delivered, f"messages delivered ({name})", figures.messages)
    print("\ntarget: every message once, at most 30 in any second, rate close to 30 msg/s "
          "(one person: at most 3 in any 3 s; one group: at most 20 in any 60 s, spread evenly, >= 1 s apart)")


if __name__ == "__main__":
    asyncio.run(main())
