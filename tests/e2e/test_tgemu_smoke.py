"""The Telegram emulator works with a real python-telegram-bot 22 Application, polling.

Proves each correction of the launcher that PTB relies on (getMe, dates, callback queries,
edits, harmless and unknown methods, getUpdates offsets, HTML, limits, files, errors) and
measures a message round trip: fake user -> emulator -> PTB polling -> bot -> emulator -> user.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

import tgemu
from tgemu import BotApiError, TelegramEmulator, buttons, skip_reason

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")]

TOKEN = "123456:TEST-token"


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Confirmer", callback_data="confirm:42")]])
    await update.effective_message.reply_text(
        f"Bonjour {update.effective_user.first_name} [{args}]", reply_markup=keyboard
    )


async def on_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text.partition(" ")[2]
    await update.effective_message.reply_html(f"<b>Echo</b>: {html.escape(text)}", disable_notification=True)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("C'est noté")
    await query.edit_message_text(f"Confirmé ({query.data}, chat_instance={bool(query.chat_instance)})")


@asynccontextmanager
async def running_bot(emu: TelegramEmulator) -> AsyncIterator[Application]:
    """A PTB Application polling the emulator inside the test's own loop (not run_polling)."""
    app = (
        ApplicationBuilder().token(TOKEN)
        .base_url(emu.api_base_url).base_file_url(emu.file_base_url)
        .job_queue(None)
        .build()
    )
    app.add_handler(CommandHandler(["start", "ping"], on_start))
    app.add_handler(CommandHandler("echo", on_echo))
    app.add_handler(CallbackQueryHandler(on_button))
    await asyncio.wait_for(app.initialize(), 10)
    await asyncio.wait_for(app.start(), 10)
    await asyncio.wait_for(
        app.updater.start_polling(poll_interval=0.05, timeout=5, allowed_updates=Update.ALL_TYPES), 10
    )
    try:
        yield app
    finally:
        await asyncio.wait_for(app.updater.stop(), 10)
        await asyncio.wait_for(app.stop(), 10)
        await asyncio.wait_for(app.shutdown(), 10)


async def test_start_button_and_edit_through_ptb(emu: TelegramEmulator) -> None:
    async with running_bot(emu) as app:
        assert app.bot.username == "maillage_test_bot"  # getMe parsed (is_bot present)
        assert await app.bot.set_my_commands([BotCommand("start", "Commencer")], language_code="fr")
        assert await app.bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        assert await app.bot.delete_webhook()
        assert await app.bot.set_chat_menu_button()

        ana = emu.user(TOKEN, 1001, "Ana", language_code="fr")
        await ana.send("/start CODE42")
        reply = await ana.wait_reply(timeout=10)
        assert reply["text"] == "Bonjour Ana [CODE42]"
        assert reply["chat"] == {"id": 1001, "type": "private", "first_name": "Ana"}
        assert reply["from"]["is_bot"] is True
        assert abs(reply["date"] - time.time()) < 60  # seconds, not milliseconds
        assert [b["callback_data"] for b in buttons(reply)] == ["confirm:42"]

        query_id = await ana.press("confirm:42")
        answer = await ana.wait_callback_answer(query_id, timeout=10)
        assert answer["text"] == "C'est noté"
        edited = await ana.wait_for(lambda msgs: msgs[-1] if "edit_date" in msgs[-1] else None, timeout=10)
        assert edited["message_id"] == reply["message_id"]
        assert edited["text"] == "Confirmé (confirm:42, chat_instance=True)"
        assert "reply_markup" not in edited  # Telegram drops the keyboard when the edit has none

    assert await emu.my_commands(TOKEN, language_code="fr") == [{"command": "start", "description": "Commencer"}]
    assert await emu.my_commands(TOKEN, language_code="en") == [{"command": "start", "description": "Start"}]
    assert await emu.my_commands(TOKEN) == []


async def test_group_chat_and_html_rendering(emu: TelegramEmulator) -> None:
    async with running_bot(emu):
        bob = emu.user(TOKEN, 1002, "Bob").in_group(-4001, "Tiers-lieu du Port")
        await bob.send("/echo <b> & [x](y)")
        reply = await bob.wait_reply(timeout=10)
        assert reply["chat"] == {"id": -4001, "type": "group", "title": "Tiers-lieu du Port"}
        # What the member reads: tags became entities, the user's markup shows literally.
        assert reply["text"] == "Echo: <b> & [x](y)"
        assert reply["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
        assert reply["emulator"]["disable_notification"] is True
        assert reply["emulator"]["parse_mode"] == "HTML"


# PTB itself warns when it builds a RetryAfter (retry_after becomes a timedelta in v23).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_errors_look_like_telegram_errors(emu: TelegramEmulator) -> None:
    async with running_bot(emu) as app:
        bot = app.bot
        ana = emu.user(TOKEN, 1001, "Ana")
        await ana.send("hello")
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(ana.chat_id, "x" * 4097)
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(ana.chat_id, "a <bio> b", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
            await bot.send_message(ana.chat_id, "x", reply_markup=markup)
        sent = await bot.send_message(ana.chat_id, "same")
        with pytest.raises(BadRequest, match="not modified"):
            await sent.edit_text("same")
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy")

        await emu.fail_next(TOKEN, "sendMessage", error_code=429, retry_after=3)
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(ana.chat_id, "soon")

        await emu.fail_next(TOKEN, "sendMessage", delay=0.5)
        with pytest.raises(TimedOut):
            await bot.send_message(ana.chat_id, "maybe sent", read_timeout=0.1)
        await ana.wait_for(lambda msgs: msgs[-1]["text"] == "maybe sent", timeout=30)  # it was
        await emu.fail_next(TOKEN, "sendMessage", drop=True)
        with pytest.raises(NetworkError):
            await bot.send_message(ana.chat_id, "lost")

        await ana.set_bot_status("kicked")
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(ana.chat_id, "still there?")
        await ana.set_bot_status("member")
        assert (await bot.send_message(ana.chat_id, "welcome back")).text == "welcome back"


async def test_documents_round_trip(emu: TelegramEmulator) -> None:
    async with running_bot(emu) as app:
        ana = emu.user(TOKEN, 1001, "Ana")
        await ana.send("hi")
        payload = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        await app.bot.send_document(ana.chat_id, payload, filename="events.ics", caption="Agenda")
        message = await ana.wait_reply(timeout=10)
        assert message["document"]["file_name"] == "events.ics"
        assert message["caption"] == "Agenda"
        assert await emu.download(TOKEN, message["document"]["file_id"]) == payload
        file = await app.bot.get_file(message["document"]["file_id"])
        assert bytes(await file.download_as_bytearray()) == payload


async def test_updates_stay_until_confirmed_and_long_poll_wakes(emu: TelegramEmulator) -> None:
    ana = emu.user(TOKEN, 1001, "Ana")
    first = await ana.send("one")
    assert first["date"] < 10**11  # seconds
    updates = await emu.call(TOKEN, "getUpdates")
    assert [u["message"]["text"] for u in updates] == ["one"]
    assert await emu.call(TOKEN, "getUpdates") == updates  # not confirmed: delivered again
    assert await emu.call(TOKEN, "getUpdates", offset=updates[0]["update_id"] + 1) == []

    poll = asyncio.create_task(emu.call(TOKEN, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await ana.send("two")
    woken = await asyncio.wait_for(poll, 5)
    assert [u["message"]["text"] for u in woken] == ["two"]
    assert time.monotonic() - started < 4  # answered on arrival, not after the 5 s timeout (a margin for load)


async def test_webhook_delivery_with_secret_token(emu: TelegramEmulator) -> None:
    received: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    failures_left = 1

    async def receive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal failures_left
        head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
        length = int(head.split("content-length:")[1].split("\r\n")[0])
        body = await reader.readexactly(length)
        status = "500 Internal Server Error" if failures_left else "200 OK"
        failures_left = max(failures_left - 1, 0)
        if status == "200 OK":
            received.put_nowait((head, body))
        writer.write(f"HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(receive, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await emu.call(TOKEN, "setWebhook", url=f"http://127.0.0.1:{port}/tg", secret_token="s3cret")
        with pytest.raises(BotApiError) as conflict:
            await emu.call(TOKEN, "getUpdates")
        assert conflict.value.error_code == 409
        await emu.user(TOKEN, 1001, "Ana").send("/start")
        head, body = await asyncio.wait_for(received.get(), 5)  # delivered again after a 500
    assert "x-telegram-bot-api-secret-token: s3cret" in head
    assert json.loads(body)["message"]["text"] == "/start"
    assert (await emu.call(TOKEN, "getWebhookInfo"))["pending_update_count"] == 0


async def test_round_trip_latency(emu: TelegramEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    async with running_bot(emu):
        ana = emu.user(TOKEN, 1001, "Ana")
        timings = []
        for i in range(20):
            started = time.perf_counter()
            await ana.send(f"/ping {i}")
            reply = await ana.wait_reply(timeout=10)
            timings.append(time.perf_counter() - started)
            assert reply["text"].endswith(f"[{i}]")
    median = statistics.median(timings)
    with capsys.disabled():
        print(f"\n[tgemu] round trip over 20 commands: median {median * 1000:.0f} ms, "
              f"max {max(timings) * 1000:.0f} ms")
    assert median < 1.0


def test_skip_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_path = os.environ["PATH"]
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no node in there
    assert skip_reason() == "node is not installed: the Telegram emulator (telegram-test-api) needs it"
    monkeypatch.setenv("CI", "true")
    assert skip_reason() is None  # under CI the end-to-end tests run, and fail if they must
    monkeypatch.delenv("CI")
    monkeypatch.setenv("PATH", real_path)
    monkeypatch.setattr(tgemu, "NODE_MODULES", tmp_path / "node_modules")
    assert skip_reason() == f"telegram-test-api is not installed: run `npm ci` in {tgemu.REPO_ROOT}"
