"""Helpers for end-to-end tests against the Telegram Bot API emulator.

The emulator is the npm package ``telegram-test-api`` run by our launcher
(``tests/e2e/telegram_emulator/launcher.js``), which corrects the package's gaps so that
python-telegram-bot 22 works against it. ``TelegramEmulator`` runs it as a subprocess on
127.0.0.1 and ``FakeUser`` plays a Telegram user over its HTTP client API::

    async with TelegramEmulator() as emu:
        app = (ApplicationBuilder().token(TOKEN)
               .base_url(emu.api_base_url).base_file_url(emu.file_base_url).build())
        ...  # initialize / start / updater.start_polling(poll_interval=0.05)
        ana = emu.user(TOKEN, 1001, "Ana", language_code="fr")
        await ana.send("/start")
        reply = await ana.wait_reply(timeout=10)
        await ana.press(reply_button_data)
        await ana.wait_for(lambda msgs: msgs[-1]["text"] == "Done", timeout=10)

Messages are plain dicts in Bot API shape (``message_id``, ``chat``, ``text``, ``entities``,
``reply_markup``...), as the recipient sees them: HTML is already parsed into text + entities.
Each message also has an ``emulator`` dict with what only the recipient's app knows:
``disable_notification``, ``parse_mode``, ``raw_text`` (the text as sent) and a non-inline
``reply_markup``. Everything is keyed by bot token, so tests can share one emulator by using
distinct tokens. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = REPO_ROOT / "tests" / "e2e" / "telegram_emulator" / "launcher.js"
NODE_MODULES = REPO_ROOT / "node_modules"

T = TypeVar("T")


class EmulatorError(RuntimeError):
    """The emulator could not start, or answered a client request with an error."""


class BotApiError(EmulatorError):
    """A Bot API call made by a test answered ``ok: false``."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description


def skip_reason() -> str | None:
    """Why the emulator cannot run on this machine, in one line; None when it can.

    When the ``CI`` environment variable is set this always returns None: the end-to-end tests
    must then run, and fail loudly if node or ``npm ci`` is missing.
    """
    if os.environ.get("CI"):
        return None
    if shutil.which("node") is None:
        return "node is not installed: the Telegram emulator (telegram-test-api) needs it"
    if not (NODE_MODULES / "telegram-test-api").is_dir():
        return f"telegram-test-api is not installed: run `npm ci` in {REPO_ROOT}"
    return None


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline keyboard buttons of a message, row after row."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def wait_until(
    probe: Callable[[], Any], *, timeout: float, interval: float = 0.05, what: str = "a condition"
) -> Any:
    """Awaits ``probe()`` (sync or async) until it returns something truthy; returns that value.

    Raises TimeoutError after ``timeout`` seconds, naming ``what`` and the last value seen.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}; last value: {value!r}")
        await asyncio.sleep(interval)


class TelegramEmulator:
    """Runs the emulator (``node launcher.js``) for the duration of an ``async with`` block."""

    def __init__(
        self,
        *,
        bot_username: str = "maillage_test_bot",
        bot_name: str = "Maillage Test",
        startup_timeout: float = 15.0,
        request_timeout: float = 10.0,
        verbose: bool = False,
        node: str = "node",
    ) -> None:
        self.bot_username = bot_username
        self.bot_name = bot_name
        self._startup_timeout = startup_timeout
        self._request_timeout = request_timeout
        self._verbose = verbose
        self._node = node
        self._proc: asyncio.subprocess.Process | None = None
        self._stderr: IO[bytes] | None = None
        self._client: httpx.AsyncClient | None = None
        self._user_ids = itertools.count(1001)
        self.port: int | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Starts node on a free port and waits (bounded) for its ``READY <port>`` line."""
        node = shutil.which(self._node)
        if node is None:
            raise EmulatorError(f"{self._node!r} not found on PATH: the Telegram emulator needs node")
        args = [str(LAUNCHER), "--host", "127.0.0.1", "--port", "0", "--watch-stdin",
                "--bot-username", self.bot_username, "--bot-name", self.bot_name]
        if self._verbose:
            args.append("--verbose")
        self._stderr = tempfile.TemporaryFile()
        self._proc = await asyncio.create_subprocess_exec(
            node, *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=self._stderr,
        )
        try:
            self.port = await asyncio.wait_for(self._read_ready(), self._startup_timeout)
        except (TimeoutError, EmulatorError) as exc:
            await self.stop()
            raise EmulatorError(f"the Telegram emulator did not start: {exc}") from exc
        self._client = httpx.AsyncClient(base_url=self.url, timeout=self._request_timeout)

    async def _read_ready(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        while line := await self._proc.stdout.readline():
            words = line.decode().split()
            if len(words) == 2 and words[0] == "READY":
                return int(words[1])
        await self._proc.wait()
        raise EmulatorError(f"node exited with {self._proc.returncode}: {self.stderr_tail()}")

    async def stop(self) -> None:
        """Stops node (SIGTERM, then SIGKILL after 5 s) and releases the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def stderr_tail(self, limit: int = 4000) -> str:
        """The end of what node wrote on stderr (errors; request lines too when verbose)."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-limit:]

    # -- addresses -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the emulator, e.g. ``http://127.0.0.1:40123``."""
        if self.port is None:
            raise EmulatorError("the emulator is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """Value for PTB's ``base_url``: PTB appends the token, then ``/<method>``."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """Value for PTB's ``base_file_url``: PTB appends the token, then ``/<file_path>``."""
        return f"{self.url}/file/bot"

    # -- client side -----------------------------------------------------------------------------

    @property
    def http(self) -> httpx.AsyncClient:
        if self._client is None:
            raise EmulatorError("the emulator is not running")
        return self._client

    async def _client_call(self, path: str, payload: dict[str, Any]) -> Any:
        response = await self.http.post(path, json=payload)
        body = response.json()
        if not body.get("ok"):
            raise EmulatorError(f"{path}: {body.get('description', body)}")
        return body["result"]

    def user(
        self,
        token: str,
        user_id: int | None = None,
        first_name: str = "Test",
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
    ) -> FakeUser:
        """A fake user of the bot ``token``, in their private chat with it (ids from 1001 up)."""
        return FakeUser(
            self, token, next(self._user_ids) if user_id is None else user_id, first_name,
            language_code=language_code, username=username, last_name=last_name,
        )

    async def push_update(self, token: str, update: dict[str, Any]) -> dict[str, Any]:
        """Queues any update for the bot (``update_id``, ``message_id``, dates are filled in)."""
        return await self._client_call("/emu/update", {"token": token, "update": update})

    async def chat_messages(self, token: str, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat, oldest first, as they are now (edits applied)."""
        return await self._client_call("/emu/chatMessages", {"token": token, "chat_id": chat_id})

    async def callback_answer(self, token: str, callback_query_id: str) -> dict[str, Any]:
        """``{"answered": bool, "text", "show_alert", "url"}`` for a button press."""
        return await self._client_call(
            "/emu/callbackAnswer", {"token": token, "callback_query_id": callback_query_id}
        )

    async def fail_next(
        self,
        token: str,
        method: str,
        *,
        error_code: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        delay: float = 0.0,
        drop: bool = False,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Makes the next ``times`` calls of ``method`` (optionally only to ``chat_id``) fail.

        With ``error_code`` the call answers a Telegram error (``retry_after`` and
        ``migrate_to_chat_id`` go to ``parameters``, as PTB reads them for RetryAfter and
        ChatMigrated). With only ``delay`` the call is held that long and then succeeds, so a
        client with a shorter timeout sees TimedOut although the message was sent. ``drop``
        closes the connection without an answer (PTB raises NetworkError).
        """
        parameters: dict[str, int] = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
            description = description or "Bad Request: group chat was upgraded to a supergroup chat"
        fault = {
            "token": token, "method": method, "chat_id": chat_id, "times": times,
            "error_code": error_code, "description": description,
            "parameters": parameters or None, "delay_ms": int(delay * 1000), "drop": drop,
        }
        await self._client_call("/emu/failNext", {k: v for k, v in fault.items() if v is not None})

    # -- acting as the bot (to inspect what it registered) ------------------------------------------

    async def call(self, token: str, method: str, **params: Any) -> Any:
        """Calls a Bot API method with the bot's token; raises BotApiError when ``ok`` is false."""
        response = await self.http.post(f"/bot{token}/{method}", json=params)
        body = response.json()
        if not body.get("ok"):
            raise BotApiError(body.get("error_code", response.status_code), body.get("description", ""))
        return body["result"]

    async def my_commands(
        self, token: str, *, language_code: str | None = None, scope: dict[str, Any] | None = None
    ) -> list[dict[str, str]]:
        """The command list the bot set for exactly this scope and language."""
        params: dict[str, Any] = {}
        if language_code is not None:
            params["language_code"] = language_code
        if scope is not None:
            params["scope"] = scope
        return await self.call(token, "getMyCommands", **params)

    async def download(self, token: str, file_id: str) -> bytes:
        """The bytes of a file the bot sent (document or photo)."""
        file = await self.call(token, "getFile", file_id=file_id)
        response = await self.http.get(f"/file/bot{token}/{file['file_path']}")
        response.raise_for_status()
        return response.content


class FakeUser:
    """A Telegram user talking to one bot, by default in their private chat with it."""

    def __init__(
        self,
        emulator: TelegramEmulator,
        token: str,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
        chat: dict[str, Any] | None = None,
    ) -> None:
        self.emulator = emulator
        self.token = token
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username),
                           ("language_code", language_code)):
            if value is not None:
                self.user[key] = value
        self.chat: dict[str, Any] = chat or {"id": user_id, "type": "private", "first_name": first_name}
        if chat is None and username:
            self.chat["username"] = username
        # message_id of this user's last message: replies are the bot's messages after it.
        self.last_sent_id = 0

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    def in_group(self, chat_id: int, title: str = "Test group", *, chat_type: str = "group") -> FakeUser:
        """The same user, speaking in a group chat (use a negative id, -100... for supergroups)."""
        return FakeUser(
            self.emulator, self.token, self.id, self.user["first_name"],
            language_code=self.user.get("language_code"), username=self.user.get("username"),
            last_name=self.user.get("last_name"),
            chat={"id": chat_id, "type": chat_type, "title": title},
        )

    # -- acting ------------------------------------------------------------------------------------

    async def send(self, text: str, **fields: Any) -> dict[str, Any]:
        """Sends a text (a leading ``/command`` gets its bot_command entity); returns the message.

        ``fields`` are merged into the message, e.g. ``sender_chat`` or ``reply_to_message``.
        """
        message = {"from": self.user, "chat": self.chat, "text": text, **fields}
        update = await self.emulator.push_update(self.token, {"message": message})
        self.last_sent_id = int(update["message"]["message_id"])
        return update["message"]

    async def press(self, callback_data: str, *, message_id: int | None = None, timeout: float = 10.0) -> str:
        """Presses the inline button carrying ``callback_data``; returns the callback query id.

        The button is looked for in ``message_id`` or else in the newest bot message of the chat
        that has it, waiting up to ``timeout`` seconds for it to appear.
        """
        def has_button(message: dict[str, Any]) -> bool:
            return (message_id is None or message["message_id"] == message_id) and any(
                b.get("callback_data") == callback_data for b in buttons(message))

        target = await self.wait_for(
            lambda msgs: next((m for m in reversed(msgs) if has_button(m)), None),
            timeout=timeout, what=f"a button with callback_data {callback_data!r}",
        )
        query = {"from": self.user, "data": callback_data,
                 "message": {"message_id": target["message_id"], "chat": self.chat}}
        update = await self.emulator.push_update(self.token, {"callback_query": query})
        return str(update["callback_query"]["id"])

    async def set_bot_status(self, status: str) -> dict[str, Any]:
        """Changes the bot's membership in this chat as this user would (my_chat_member update).

        In a private chat ``"kicked"`` blocks the bot (its sends then answer 403) and
        ``"member"`` unblocks it; in a group, ``"member"`` or ``"administrator"`` adds it.
        """
        me = await self.emulator.call(self.token, "getMe")
        bot = {k: me[k] for k in ("id", "is_bot", "first_name", "username")}
        old = await self.emulator.call(self.token, "getChatMember", chat_id=self.chat_id, user_id=bot["id"])
        update = {"my_chat_member": {
            "chat": self.chat, "from": self.user,
            "old_chat_member": {"status": old["status"], "user": bot},
            "new_chat_member": {"status": status, "user": bot},
        }}
        return await self.emulator.push_update(self.token, update)

    async def set_status(self, status: str) -> dict[str, Any]:
        """Sets this user's status in this (group) chat, e.g. ``"administrator"`` or ``"creator"``.

        Queues a chat_member update (delivered only if the bot asked for chat_member updates);
        getChatMember / getChatAdministrators answer the new status either way.
        """
        update = {"chat_member": {
            "chat": self.chat, "from": self.user,
            "new_chat_member": {"status": status, "user": self.user},
        }}
        return await self.emulator.push_update(self.token, update)

    # -- observing ---------------------------------------------------------------------------------

    async def messages(self) -> list[dict[str, Any]]:
        """The bot's messages in this chat, oldest first, as they are now."""
        return await self.emulator.chat_messages(self.token, self.chat_id)

    async def wait_for(
        self,
        predicate: Callable[[list[dict[str, Any]]], T],
        *,
        timeout: float = 10.0,
        interval: float = 0.05,
        what: str = "the bot's messages to match",
    ) -> T:
        """Polls this chat's bot messages until ``predicate(messages)`` is truthy; returns it."""
        async def probe() -> T:
            return predicate(await self.messages())

        return await wait_until(probe, timeout=timeout, interval=interval, what=what)

    async def wait_replies(self, count: int = 1, *, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The first ``count`` bot messages sent in this chat after this user's last message."""
        def enough(msgs: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
            new = [m for m in msgs if m["message_id"] > self.last_sent_id]
            return new[:count] if len(new) >= count else None

        return await self.wait_for(
            enough, timeout=timeout, what=f"{count} repl{'y' if count == 1 else 'ies'} from the bot"
        )

    async def wait_reply(self, *, timeout: float = 10.0) -> dict[str, Any]:
        """The first bot message sent in this chat after this user's last message."""
        return (await self.wait_replies(1, timeout=timeout))[0]

    async def wait_callback_answer(self, callback_query_id: str, *, timeout: float = 10.0) -> dict[str, Any]:
        """Waits until the bot answered this button press; returns ``{"text", "show_alert", ...}``."""
        async def probe() -> dict[str, Any] | None:
            answer = await self.emulator.callback_answer(self.token, callback_query_id)
            return answer if answer["answered"] else None

        return await wait_until(probe, timeout=timeout, what=f"an answer to callback {callback_query_id}")
