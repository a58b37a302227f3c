"""The outbox: idempotent writes, delivery exactly once, every typed error, and crashes."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from adapters.memory import MemoryAdapter
from bot.config import OutboxConfig
from bot.outbox.dispatcher import OutboxDispatcher
from bot.ports import Capabilities, RateLimited, Rejected, Transient, Unreachable, UnknownOutcome
from bot.types import Button, Reply
from storage.models import Identity, OutboxMessage
from storage.outbox import enqueue
from testkit import T0

CONFIG = OutboxConfig(max_attempts=3, backoff_seconds=10, lease_seconds=60)


async def put(db, key="k1", user_id="u1", platform="memory", text="hello", **kwargs):
    kwargs.setdefault("now", T0)
    async with db.session() as session:
        return await enqueue(session, key=key, platform=platform, reply=Reply(text), user_id=user_id, **kwargs)


async def rows(db):
    async with db.session() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def dispatcher(app, adapter=None, worker="w1"):
    adapter = adapter or app.adapters["memory"]
    return OutboxDispatcher(app.db, {adapter.platform: adapter}, CONFIG, app.clock, worker_id=worker)


async def test_same_key_twice_makes_one_message(any_app):
    assert await put(any_app.db, "intro:1:2") is True
    assert await put(any_app.db, "intro:1:2", text="again") is False
    assert [r.payload["text"] for r in await rows(any_app.db)] == ["hello"]


async def test_rolled_back_cause_leaves_no_message(any_app):
    with pytest.raises(RuntimeError):
        async with any_app.db.session() as session:
            await enqueue(session, key="k", platform="memory", reply=Reply("x"), user_id="u")
            raise RuntimeError("the change that caused it failed")
    assert await rows(any_app.db) == []


async def test_delivery_marks_sent_with_platform_id(any_app, memory):
    await put(any_app.db, "k")
    assert await dispatcher(any_app).drain() == 1
    [row] = await rows(any_app.db)
    assert (row.status, row.platform_message_id, row.attempts) == ("sent", "1", 1)
    assert [d.text for d in memory.to_user("u1")] == ["hello"]
    assert await dispatcher(any_app).drain() == 0, "nothing is sent twice"


async def test_buttons_survive_the_outbox(app, memory):
    async with app.db.session() as session:
        reply = Reply("Intro", title="T", buttons=((Button("Oui", "intro", "1:y"), Button("Non", "intro", "1:n")),))
        await enqueue(session, key="b", platform="memory", reply=reply, user_id="u1", now=T0)
    await dispatcher(app).drain()
    assert memory.sent[0].reply == Reply("Intro", title="T", buttons=reply.buttons)


async def test_oversized_button_data_is_refused_at_write_time(app):
    with pytest.raises(ValueError, match="64 bytes"):
        async with app.db.session() as session:
            await enqueue(session, key="b", platform="memory", reply=Reply("x", buttons=((Button("b", "a", "x" * 80),),)),
                          user_id="u")


async def test_not_before_is_respected(app, memory, clock):
    await put(app.db, not_before=clock.now().replace(hour=18))
    assert await dispatcher(app).drain() == 0
    clock.advance(hours=10)
    assert await dispatcher(app).drain() == 1


async def test_unreachable_stops_and_marks_the_identity(app, memory):
    async with app.db.session() as session:
        session.add(Identity(platform="memory", platform_user_id="u1", display_name="U", dm_status="open"))
    await put(app.db, "a")
    await put(app.db, "b")
    memory.fail_next(Unreachable("bot blocked"))
    await dispatcher(app).drain()
    first, second = await rows(app.db)
    assert first.status == "unreachable" and second.status == "unreachable"
    assert memory.attempts == 1, "the second message is not even tried"
    async with app.db.session() as session:
        assert (await session.execute(select(Identity.dm_status))).scalar_one() == "unreachable"


async def test_rate_limited_waits_the_time_asked_without_counting_an_attempt(app, memory, clock):
    await put(app.db)
    memory.fail_next(RateLimited(30))
    d = dispatcher(app)
    await d.drain()
    [row] = await rows(app.db)
    assert (row.status, row.attempts) == ("pending", 0)
    clock.advance(seconds=29)
    assert await d.drain() == 0
    clock.advance(seconds=2)
    assert await d.drain() == 1
    assert (await rows(app.db))[0].status == "sent"


async def test_transient_errors_back_off_then_give_up(app, memory, clock):
    await put(app.db)
    memory.fail_next(Transient("502"), Transient("reset"), Transient("502"))
    d = dispatcher(app)
    delays = []
    for _ in range(3):
        await d.drain()
        row = (await rows(app.db))[0]
        if row.status == "pending":
            delays.append((row.next_attempt_at - clock.now()).total_seconds())
            clock.advance(seconds=delays[-1])
    row = (await rows(app.db))[0]
    assert delays == [10, 20]
    assert (row.status, row.attempts) == ("dead", 3)
    assert memory.sent == []


async def test_transient_then_success(app, memory):
    await put(app.db)
    memory.fail_next(Transient("timeout before sending"))
    d = dispatcher(app)
    await d.drain()
    app.clock.advance(seconds=10)
    await d.drain()
    assert [r.status for r in await rows(app.db)] == ["sent"]
    assert len(memory.sent) == 1


@pytest.mark.parametrize("error, status", [(UnknownOutcome("timed out after sending"), "unknown"),
                                           (Rejected("message is too long"), "rejected")])
async def test_final_errors_are_never_retried(app, memory, clock, error, status):
    await put(app.db)
    memory.fail_next(error)
    d = dispatcher(app)
    await d.drain()
    clock.advance(days=1)
    await d.drain()
    assert [r.status for r in await rows(app.db)] == [status]
    assert memory.attempts == 1


async def test_crash_between_claim_and_send_delivers_once_after_restart(any_app, memory, clock):
    await put(any_app.db)
    first = dispatcher(any_app, worker="dead-process")
    ids = await first._claim()  # the process claims the row, then dies before sending
    assert len(ids) == 1
    restarted = dispatcher(any_app, worker="new-process")
    assert await restarted.drain() == 0, "a live claim is not stolen"
    clock.advance(seconds=CONFIG.lease_seconds + 1)
    assert await restarted.drain() == 1
    assert [d.text for d in memory.sent] == ["hello"]
    assert [r.status for r in await rows(any_app.db)] == ["sent"]


async def test_crash_while_sending_is_flagged_not_resent(app, memory, clock):
    await put(app.db)
    memory.crash_before_send = KeyboardInterrupt()  # the process dies inside the platform call
    with pytest.raises(KeyboardInterrupt):
        await dispatcher(app, worker="dying").drain()
    assert (await rows(app.db))[0].status == "sending"
    clock.advance(seconds=CONFIG.lease_seconds + 1)
    await dispatcher(app, worker="restarted").drain()
    [row] = await rows(app.db)
    assert row.status == "unknown" and "not resent" in row.last_error
    assert memory.sent == []


async def test_crash_while_sending_is_resent_where_sends_are_idempotent(app, clock):
    adapter = MemoryAdapter("nonce", Capabilities(idempotent_send=True))
    await put(app.db, platform="nonce")
    adapter.crash_before_send = KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        await dispatcher(app, adapter, worker="dying").drain()
    clock.advance(seconds=CONFIG.lease_seconds + 1)
    await dispatcher(app, adapter, worker="restarted").drain()
    assert [r.status for r in await rows(app.db)] == ["sent"]
    assert len(adapter.sent) == 1


async def test_an_untyped_adapter_bug_is_retried_not_fatal(app, memory, clock):
    await put(app.db)
    memory.fail_next(ValueError("adapter bug"))  # type: ignore[arg-type]
    d = dispatcher(app)
    await d.drain()
    assert (await rows(app.db))[0].status == "pending"


async def test_messages_to_known_unreachable_people_are_not_attempted(app, memory):
    async with app.db.session() as session:
        session.add(Identity(platform="memory", platform_user_id="u1", display_name="U", dm_status="unreachable"))
    await put(app.db)
    await dispatcher(app).drain()
    assert memory.attempts == 0
    assert (await rows(app.db))[0].status == "unreachable"


@pytest.mark.postgres
async def test_two_dispatchers_on_postgres_never_send_twice(postgres_url, memory, clock):
    from testkit import empty_postgres, make_config
    from bot.app import build_app

    await empty_postgres(postgres_url)
    app = await build_app(make_config(postgres_url), adapters=[memory], clock=clock, migrate=False)
    try:
        for i in range(60):
            await put(app.db, f"k{i}", user_id=f"u{i}")
        one = OutboxDispatcher(app.db, {"memory": memory}, OutboxConfig(batch_size=7), clock, worker_id="a")
        two = OutboxDispatcher(app.db, {"memory": memory}, OutboxConfig(batch_size=7), clock, worker_id="b")
        await asyncio.gather(one.drain(), two.drain())
        assert sorted(d.user_id for d in memory.sent) == sorted(f"u{i}" for i in range(60))
    finally:
        await app.close()


async def test_a_stop_during_a_batch_finishes_the_send_and_hands_the_rest_back(app, clock):
    stop = asyncio.Event()

    class StoppingAdapter(MemoryAdapter):
        async def send_dm(self, user_id, reply, *, idempotency_key=None):
            stop.set()  # SIGTERM arrives while the first message is being sent
            return await super().send_dm(user_id, reply, idempotency_key=idempotency_key)

    adapter = StoppingAdapter()
    for i in range(3):
        await put(app.db, f"k{i}", user_id=f"u{i}")
    d = dispatcher(app, adapter)
    assert await d.run_once(stop) == 1
    assert [r.status for r in await rows(app.db)] == ["sent", "pending", "pending"]
    assert await dispatcher(app, adapter, worker="next").drain() == 2, "no lease to wait for"


async def test_recovery_leaves_other_platforms_rows_alone(app, clock):
    await put(app.db, platform="discord")
    other = OutboxDispatcher(app.db, {"discord": MemoryAdapter("discord", Capabilities(idempotent_send=True))},
                             CONFIG, clock, worker_id="discord-process")
    await other._claim()
    async with app.db.session() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
        row.status = "sending"  # the Discord process died mid-send
    clock.advance(seconds=CONFIG.lease_seconds + 1)
    await dispatcher(app).drain()  # a Telegram-only (here: memory) process must not judge it
    assert (await rows(app.db))[0].status == "sending"


async def test_the_dispatcher_is_woken_only_by_events_that_queued_a_message(app, memory):
    woken = []
    app.core.after_commit = lambda: woken.append(True)
    user = memory.user("1", "Ana")
    await user.send("/aide")
    assert woken == [], "a plain answer queues nothing"

    @app.core.registry.command("ping_outbox", summary="help.summary")
    async def ping(ctx):
        await ctx.enqueue(key="ping", platform="memory", reply=Reply("pong"), user_id="1")

    await user.send("/ping_outbox")
    assert woken == [True]
