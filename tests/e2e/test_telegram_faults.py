"""Faults on the wire, through the real adapter and the real outbox dispatcher, against the emulator.

The emulator's `fail_next` makes the next Bot API call answer 429, 403, 400 (or a group migration),
hang past our timeout although the message is delivered, or drop the connection. For each: the
typed error the dispatcher sees, what it does, and what the user finally has: nothing lost,
nothing doubled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select

from adapters.telegram.adapter import TelegramAdapter
from bot.app import build_app
from bot.application import App
from bot.clock import ManualClock
from bot.config import TelegramConfig
from bot.types import ChatKind, ChatRef, CommandInvoked, Reply, UserRef
from storage.models import Identity, OutboxMessage, Venue, VenueChat
from storage.outbox import enqueue
from testkit import make_config
from tgemu import TelegramEmulator, skip_reason, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
              pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")]

TOKEN = "515151:FAULTS-token"


@dataclasses.dataclass
class Rig:
    emu: TelegramEmulator
    app: App
    adapter: TelegramAdapter
    clock: ManualClock

    async def enqueue(self, key: str, *, user_id: int | None = None, chat_id: int | None = None) -> None:
        async with self.app.db.session() as session:
            await enqueue(session, key=key, platform="telegram", reply=Reply(f"message {key}"),
                          user_id=str(user_id) if user_id else None, chat_id=str(chat_id) if chat_id else None,
                          not_before=self.clock.now())

    async def status(self, key: str) -> str:
        async with self.app.db.session() as session:
            row = (await session.execute(select(OutboxMessage).where(OutboxMessage.key == key))).scalar_one()
            return row.status

    async def drain(self, after: float = 0.0) -> None:
        self.clock.advance(seconds=after)
        await self.app.dispatcher.drain()

    async def texts(self, chat_id: int) -> list[str]:
        return [m.get("text", "") for m in await self.emu.chat_messages(TOKEN, chat_id)]


@asynccontextmanager
async def _rig(sqlite_url, clock, request_timeout: float) -> AsyncIterator[Rig]:
    async with TelegramEmulator() as emu:
        config = TelegramConfig(api_base_url=emu.url, poll_interval=0.05, poll_timeout=1,
                                request_timeout=request_timeout, set_commands=False)
        object.__setattr__(config, "token", TOKEN)
        adapter = TelegramAdapter(config)
        app = await build_app(make_config(sqlite_url), adapters=[adapter], clock=clock, migrate=False)
        adapter.on_chat_migrated = app.core.chat_migrated  # as bot.app wires it for `maillage run`
        await adapter.start(app.core)
        try:
            yield Rig(emu, app, adapter, clock)
        finally:
            await adapter.stop()
            await app.close()


# Requests get a timeout a loaded 2-core machine never reaches (a normal answer taking over half a
# second under load made a delivered message "unknown"); only the timeout test shortens it, and
# its emulator then answers far later than that.
@pytest_asyncio.fixture
async def rig(sqlite_url, clock) -> AsyncIterator[Rig]:
    async with _rig(sqlite_url, clock, request_timeout=20) as made:
        yield made


@pytest_asyncio.fixture
async def impatient_rig(sqlite_url, clock) -> AsyncIterator[Rig]:
    async with _rig(sqlite_url, clock, request_timeout=0.5) as made:
        yield made


async def test_retry_after_waits_then_delivers_once(rig: Rig):
    ana = rig.emu.user(TOKEN, 3001, "Ana")
    await rig.emu.fail_next(TOKEN, "sendMessage", error_code=429, retry_after=1)
    await rig.enqueue("r1", user_id=ana.id)
    await rig.drain()
    assert await rig.status("r1") == "pending"  # waiting as asked, not a failed attempt
    await rig.drain(after=1.1)
    assert await rig.status("r1") == "sent"
    assert await rig.texts(ana.chat_id) == ["message r1"]


async def test_forbidden_marks_the_person_unreachable_and_stops(rig: Rig):
    bob = rig.emu.user(TOKEN, 3002, "Bob")
    await rig.app.core.handle(CommandInvoked(UserRef("telegram", "3002", "Bob"),
                                             ChatRef("telegram", "3002", ChatKind.PRIVATE), "help"))
    await rig.emu.fail_next(TOKEN, "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    await rig.enqueue("f1", user_id=bob.id)
    await rig.enqueue("f2", user_id=bob.id)
    await rig.drain()
    assert (await rig.status("f1"), await rig.status("f2")) == ("unreachable", "unreachable")
    async with rig.app.db.session() as session:
        identity = (await session.execute(select(Identity).where(Identity.platform_user_id == "3002"))).scalar_one()
        assert identity.dm_status == "unreachable"
    assert await rig.texts(bob.chat_id) == []


async def test_timeout_after_sending_is_unknown_and_never_resent(impatient_rig: Rig):
    rig = impatient_rig
    cleo = rig.emu.user(TOKEN, 3003, "Cléo")
    await rig.emu.fail_next(TOKEN, "sendMessage", delay=3)  # delivered, but well after our 0.5 s timeout
    await rig.enqueue("t1", user_id=cleo.id)
    await rig.drain()
    assert await rig.status("t1") == "unknown"
    await cleo.wait_for(lambda msgs: len(msgs) == 1, timeout=30, what="the late message")
    await rig.drain(after=600)
    assert await rig.texts(cleo.chat_id) == ["message t1"]  # once


async def test_dropped_connection_is_retried_and_delivered_once(rig: Rig):
    dan = rig.emu.user(TOKEN, 3004, "Dan")
    await rig.emu.fail_next(TOKEN, "sendMessage", drop=True)
    await rig.enqueue("n1", user_id=dan.id)
    await rig.drain()
    assert await rig.status("n1") == "pending"
    await rig.drain(after=rig.app.config.outbox.backoff_seconds + 0.1)
    assert await rig.status("n1") == "sent"
    assert await rig.texts(dan.chat_id) == ["message n1"]


async def test_bad_request_is_rejected_for_good(rig: Rig):
    eve = rig.emu.user(TOKEN, 3005, "Eve")
    await rig.emu.fail_next(TOKEN, "sendMessage", error_code=400, description="Bad Request: can't parse entities")
    await rig.enqueue("b1", user_id=eve.id)
    await rig.drain()
    await rig.drain(after=3600)
    assert await rig.status("b1") == "rejected"
    async with rig.app.db.session() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.key == "b1"))).scalar_one()
        assert row.attempts == 1


async def test_migrated_group_gets_the_message_and_its_new_id(rig: Rig):
    async with rig.app.db.session() as session:
        venue = (await session.execute(select(Venue).where(Venue.slug == "hangar"))).scalar_one()
        session.add(VenueChat(venue_id=venue.id, platform="telegram", chat_id="-4001", purpose="announcements"))
    await rig.emu.fail_next(TOKEN, "sendMessage", chat_id=-4001, error_code=400, migrate_to_chat_id=-1004001)
    await rig.enqueue("m1", chat_id=-4001)
    await rig.drain()
    assert await rig.status("m1") == "sent"
    assert await rig.texts(-1004001) == ["message m1"]
    async with rig.app.db.session() as session:
        chats = (await session.execute(select(VenueChat.chat_id))).scalars().all()
    assert chats == ["-1004001"]


async def test_a_direct_reply_waits_out_a_429_and_arrives_once(rig: Rig):
    fay = rig.emu.user(TOKEN, 3006, "Fay", language_code="en")
    await rig.emu.fail_next(TOKEN, "sendMessage", error_code=429, retry_after=1)
    await fay.send("/help")
    await fay.wait_reply(timeout=30)
    await wait_until(lambda: True, timeout=0.5)
    assert len(await fay.messages()) == 1


async def test_webhook_mode_checks_the_secret_and_serves_updates(sqlite_url, clock, unused_tcp_port):
    import httpx

    async with TelegramEmulator() as emu:
        url = f"http://127.0.0.1:{unused_tcp_port}/telegram/hook"
        config = TelegramConfig(mode="webhook", api_base_url=emu.url, webhook_url=url, webhook_port=unused_tcp_port,
                                webhook_secret_env="TG_SECRET", set_commands=False)
        object.__setattr__(config, "token", TOKEN)
        object.__setattr__(config, "webhook_secret", "s3cret-value")
        adapter = TelegramAdapter(config)
        app = await build_app(make_config(sqlite_url), adapters=[adapter], clock=clock, migrate=False)
        await adapter.start(app.core)
        try:
            info = await emu.call(TOKEN, "getWebhookInfo")
            assert info["url"] == url
            gil = emu.user(TOKEN, 3100, "Gil", language_code="en")
            await gil.send("/help")
            assert "what I can do" in (await gil.wait_reply(timeout=30))["text"]
            async with httpx.AsyncClient() as client:
                forged = await client.post(url, json={"update_id": 1, "message": {}},
                                           headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
                assert forged.status_code == 403
                # Telegram retries a webhook call it thinks failed: the same update twice, one answer.
                person = {"id": 3100, "is_bot": False, "first_name": "Gil", "language_code": "en"}
                retried = {"update_id": 777001, "message": {
                    "message_id": 900, "date": 1764000000, "chat": {"id": 3100, "type": "private", "first_name": "Gil"},
                    "from": person, "text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
                # A later update follows as a marker (updates of one chat are handled in order):
                # once its answer is there, the repeat has been dealt with.
                marker = {**retried, "update_id": 777002, "message": {
                    **retried["message"], "message_id": 901, "text": "/language",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 9}]}}
                helped = len([m for m in await gil.messages() if "what I can do" in m["text"]])
                for body in (retried, retried, marker):
                    answer = await client.post(url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"})
                    assert answer.status_code == 200
                await gil.wait_for(lambda messages: "what I can do" not in messages[-1]["text"], timeout=30)
                assert len([m for m in await gil.messages() if "what I can do" in m["text"]]) == helped + 1
        finally:
            await adapter.stop()
            await app.close()
