"""Drives the real Discord adapter offline: real client, real command tree, real views; fake network.

Only Discord itself is replaced. `RecordingHTTP` (a `discord.http.HTTPClient`) answers the REST
calls the client makes (login, command sync, DM channels, messages) and records them;
interaction answers, which discord.py sends through its webhook adapter, are recorded the same
way. Interactions are fed as INTERACTION_CREATE payloads to `client._connection.parse_interaction_create`,
their command data built from each registered command's own `to_dict()`, so names and options
are exactly what Discord would send. Failures are injected per route (`fail(...)`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.http import HTTPClient, Route
from discord.webhook.async_ import async_context

from adapters.discord import DiscordAdapter, build_adapter
from bot.config import DiscordConfig

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 910000000000000001
CHANNEL_ID = 920000000000000001
EPHEMERAL = 1 << 6
BASE = Route.BASE


@dataclass
class Call:
    """One request the adapter made to Discord."""

    method: str
    path: str
    payload: dict | None = None
    files: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict:
        """The message part: an interaction callback's `data`, else the payload itself."""
        payload = self.payload or {}
        return payload.get("data") or {} if "type" in payload and self.path.endswith("/callback") else payload

    @property
    def response_type(self) -> int | None:
        return (self.payload or {}).get("type") if self.path.endswith("/callback") else None

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def custom_ids(self) -> list[str]:
        return [c.get("custom_id") for row in self.data.get("components") or [] for c in row.get("components", [])
                if c.get("custom_id")]

    @property
    def labels(self) -> list[str]:
        return [c.get("label") for row in self.data.get("components") or [] for c in row.get("components", [])]


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    error: BaseException
    times: int


class _Response:
    """What discord.HTTPException reads from an aiohttp response."""

    def __init__(self, status: int, headers: dict | None = None) -> None:
        self.status = status
        self.reason = {403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}.get(status, "Error")
        self.headers = headers or {}


def http_error(status: int, code: int = 0, message: str = "error", headers: dict | None = None) -> discord.HTTPException:
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(status)
    if kind is None:
        kind = discord.DiscordServerError if status >= 500 else discord.HTTPException
    return kind(_Response(status, headers), {"code": code, "message": message})


class Recorder:
    """The fake Discord: answers every request, remembers it, fails on demand."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.messages: dict[int, dict] = {}  # every message "created", by id
        self.ids = itertools.count(930000000000000001)

    # -- failures ------------------------------------------------------------------------------
    def fail(self, method: str, path: str, error: BaseException, times: int = 1) -> None:
        self.failures.append(Failure(method, re.compile(path), error, times))

    def _maybe_fail(self, method: str, path: str) -> None:
        for failure in self.failures:
            if failure.times and failure.method == method and failure.path.search(path):
                failure.times -= 1
                raise failure.error

    # -- answering -----------------------------------------------------------------------------
    def record(self, method: str, path: str, payload: dict | None, files: list[str]) -> Call:
        call = Call(method, path, payload, files)
        self.calls.append(call)
        self._maybe_fail(method, path)
        return call

    def message(self, channel_id: int, payload: dict | None, *, interaction: bool = False) -> dict:
        payload = payload or {}
        message_id = next(self.ids)
        data = {
            "id": str(message_id), "channel_id": str(channel_id), "type": 20 if interaction else 0,
            "author": bot_user(), "content": payload.get("content") or "", "timestamp": "2026-11-25T09:00:00+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "components": payload.get("components") or [],
            "flags": payload.get("flags") or 0,
        }
        if payload.get("nonce") is not None:
            data["nonce"] = payload["nonce"]
        self.messages[message_id] = data
        return data

    def since(self, mark: int) -> list[Call]:
        return self.calls[mark:]


def bot_user() -> dict:
    return {"id": str(BOT_ID), "username": "maillage", "discriminator": "0", "global_name": "Maillage",
            "avatar": None, "bot": True}


def _parse(kwargs: dict, form: Any, files: Any) -> tuple[dict | None, list[str]]:
    payload = kwargs.get("json")
    names = [getattr(f, "filename", "?") for f in files or []]
    for part in form or []:
        if part.get("name") == "payload_json":
            payload = json.loads(part["value"])
    return payload, names


class RecordingHTTP(HTTPClient):
    """discord.py's REST client with the network replaced by the recorder."""

    def __init__(self, recorder: Recorder, client: discord.Client) -> None:
        super().__init__(client.loop)
        self.recorder = recorder
        self.dm_channels: dict[str, int] = {}

    async def request(self, route: Route, *, files=None, form=None, **kwargs: Any) -> Any:
        path = route.url[len(BASE):]
        payload, names = _parse(kwargs, form, files)
        self.recorder.record(route.method, path, payload, names)
        return self._answer(route.method, path, payload)

    def _answer(self, method: str, path: str, payload: dict | None) -> Any:
        if path == "/users/@me":
            return bot_user()
        if path == "/oauth2/applications/@me":
            return {"id": str(APP_ID), "name": "Maillage", "description": "", "icon": None, "bot_public": True,
                    "bot_require_code_grant": False, "owner": bot_user(), "verify_key": "0" * 64, "flags": 0}
        if method == "PUT" and path.endswith("/commands"):
            return [dict(command, id=str(next(self.recorder.ids)), application_id=str(APP_ID), version="1")
                    for command in payload or []]
        if path == "/users/@me/channels":
            recipient = str((payload or {})["recipient_id"])
            channel_id = self.dm_channels.setdefault(recipient, next(self.recorder.ids))
            return {"id": str(channel_id), "type": 1, "last_message_id": None,
                    "recipients": [{"id": recipient, "username": f"user{recipient}", "discriminator": "0",
                                    "avatar": None}]}
        found = re.fullmatch(r"/channels/(\d+)/messages", path)
        if method == "POST" and found:
            return self.recorder.message(int(found.group(1)), payload)
        return {}


class RecordingWebhooks:
    """Stands in for discord.py's webhook adapter, which carries every interaction answer."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def request(self, route: Route, session: Any = None, *, payload: dict | None = None,
                      multipart: list | None = None, files: Any = None, **_: Any) -> Any:
        path = route.url[len(BASE):]
        parsed, names = _parse({"json": payload}, multipart, files)
        self.recorder.record(route.method, path, parsed, names)
        parsed = parsed or {}
        if path.endswith("/callback"):
            kind = parsed.get("type")
            body: dict[str, Any] = {"interaction": {"id": str(route.webhook_id), "type": 2,
                                                    "response_message_loading": kind == 5,
                                                    "response_message_ephemeral": bool(
                                                        (parsed.get("data") or {}).get("flags", 0) & EPHEMERAL)}}
            if kind in (4, 7):
                body["resource"] = {"type": kind, "message": self.recorder.message(CHANNEL_ID, parsed.get("data"),
                                                                                   interaction=True)}
            return body
        if route.method == "DELETE":
            return None
        return self.recorder.message(CHANNEL_ID, parsed, interaction=True)


@dataclass(frozen=True)
class DiscordUser:
    id: int
    name: str
    locale: str = "fr"

    def as_dict(self) -> dict:
        return {"id": str(self.id), "username": self.name.lower(), "global_name": self.name, "discriminator": "0",
                "avatar": None}


class DiscordHarness:
    """One adapter on the fake Discord, plus helpers that play people using it."""

    http_class: type[RecordingHTTP] = RecordingHTTP  # a test may answer more routes with a subclass

    def __init__(self, app: Any, recorder: Recorder | None = None, config: DiscordConfig | None = None) -> None:
        self.app = app
        self.recorder = recorder or Recorder()
        self.config = config or DiscordConfig(defer_after_seconds=2.0)
        object.__setattr__(self.config, "token", "test-token")
        self.adapter: DiscordAdapter | None = None
        self.ids = itertools.count(940000000000000001)
        self._patched: Any = None

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> DiscordAdapter:
        adapter = build_adapter(self.config, registry=self.app.core.registry,
                                default_locale=self.app.config.network.default_locale)
        http = self.http_class(self.recorder, adapter.client)
        adapter.client.http = http
        adapter.client._connection.http = http
        adapter.client.tree._http = http  # the tree keeps its own reference
        webhooks = async_context.get()
        if self._patched is None:
            self._patched = webhooks.__dict__.get("request")
            webhooks.request = RecordingWebhooks(self.recorder).request  # type: ignore[method-assign]
        await adapter.start(self.app.core, connect=False)
        self.adapter = adapter
        self.app.add_adapter(adapter)
        return adapter

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
            self.adapter = None

    async def restart(self) -> DiscordAdapter:
        """A new process: a new client and tree, nothing kept in memory from the old one."""
        await self.stop()
        return await self.start()

    def close(self) -> None:
        webhooks = async_context.get()
        if "request" in webhooks.__dict__:
            del webhooks.request

    @property
    def client(self) -> discord.Client:
        assert self.adapter is not None
        return self.adapter.client

    # -- building payloads ---------------------------------------------------------------------
    def command_dict(self, name: str) -> dict:
        command = self.client.tree.get_command(name)
        assert command is not None, f"no slash command {name!r}"
        return command.to_dict(self.client.tree)

    def _interaction(self, kind: int, user: DiscordUser, data: dict, *, guild: bool,
                     message: dict | None = None) -> dict:
        interaction_id = next(self.ids)
        payload: dict[str, Any] = {
            "id": str(interaction_id), "application_id": str(APP_ID), "type": kind, "token": f"token-{interaction_id}",
            "version": 1, "data": data, "locale": user.locale, "app_permissions": "0",
            "attachment_size_limit": 8 * 1024 * 1024, "entitlements": [], "authorizing_integration_owners": {},
        }
        if guild:
            payload.update(guild_id=str(GUILD_ID), channel_id=str(CHANNEL_ID), guild_locale="fr", context=0,
                           channel={"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "general",
                                    "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None},
                           member={"user": user.as_dict(), "roles": [], "joined_at": "2026-01-01T00:00:00+00:00",
                                   "deaf": False, "mute": False, "flags": 0, "permissions": "0", "nick": None})
        else:
            channel_id = 950000000000000000 + user.id % 10 ** 9
            payload.update(channel_id=str(channel_id), context=1, user=user.as_dict(),
                           channel={"id": str(channel_id), "type": 1, "recipients": [user.as_dict()]})
        if message is not None:
            payload["message"] = message
        return payload

    def command_data(self, name: str, value: str | None = None, *, focused: bool = False) -> dict:
        schema = self.command_dict(name)
        data: dict[str, Any] = {"id": str(next(self.ids)), "name": schema["name"], "type": schema["type"]}
        if value is not None:
            options = schema.get("options") or []
            assert options, f"/{name} takes no argument"
            option = {"name": options[0]["name"], "type": options[0]["type"], "value": value}
            if focused:
                option["focused"] = True
            data["options"] = [option]
        return data

    # -- playing people ------------------------------------------------------------------------
    async def feed(self, payload: dict) -> list[Call]:
        mark = len(self.recorder.calls)
        self.client._connection.parse_interaction_create(payload)
        await self.settle()
        return self.recorder.since(mark)

    async def slash(self, user: DiscordUser, name: str, value: str | None = None, *, guild: bool = False) -> list[Call]:
        return await self.feed(self._interaction(2, user, self.command_data(name, value), guild=guild))

    async def autocomplete(self, user: DiscordUser, name: str, typed: str, *, guild: bool = False) -> list[dict]:
        calls = await self.feed(self._interaction(4, user, self.command_data(name, typed, focused=True), guild=guild))
        answers = [c for c in calls if c.response_type == 8]
        assert answers, f"no autocomplete answer among {calls}"
        return answers[-1].payload["data"]["choices"]

    async def press(self, user: DiscordUser, message: dict, custom_id: str, *, guild: bool = False) -> list[Call]:
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.feed(self._interaction(3, user, data, guild=guild, message=message))

    async def submit(self, user: DiscordUser, modal: dict, typed: str, *, guild: bool = False,
                     message: dict | None = None) -> list[Call]:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": c["custom_id"], "value": typed}
                                           for c in row["components"]]} for row in modal["components"]]
        data = {"custom_id": modal["custom_id"], "components": rows}
        return await self.feed(self._interaction(5, user, data, guild=guild, message=message))

    async def dm(self, user: DiscordUser, text: str) -> list[Call]:
        mark = len(self.recorder.calls)
        channel_id = 950000000000000000 + user.id % 10 ** 9
        self.client._connection.parse_message_create({
            "id": str(next(self.ids)), "channel_id": str(channel_id), "type": 0, "author": user.as_dict(),
            "content": text, "timestamp": "2026-11-25T09:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": False, "components": [], "flags": 0,
        })
        await self.settle()
        return self.recorder.since(mark)

    def message_of(self, call: Call) -> dict:
        """The message a recorded call created (to press one of its buttons later)."""
        for message in reversed(list(self.recorder.messages.values())):
            if message["components"] == (call.data.get("components") or []) and message["content"] == call.content:
                return message
        raise LookupError("that call created no message")

    @staticmethod
    async def settle(timeout: float = 10.0) -> None:
        """Wait until the tasks discord.py started for an event (command, button, DM) are done."""
        current = asyncio.current_task()
        for _ in range(100):
            # A view under an ephemeral message keeps a 15-minute timer (the interaction token's
            # life): a timer, not work in progress.
            pending = [task for task in asyncio.all_tasks() if task is not current and not task.done()
                       and "timeout_task" not in getattr(task.get_coro(), "__qualname__", "")]
            if not pending:
                return
            await asyncio.wait(pending, timeout=timeout)
