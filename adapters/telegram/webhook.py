"""Webhook mode: a small HTTP endpoint (Starlette on uvicorn, in our own loop) that Telegram calls.

Telegram POSTs each update to the public `webhook_url`; a reverse proxy (nginx, Caddy) terminates
TLS and forwards that path to `webhook_listen:webhook_port`. Every request must carry the
`X-Telegram-Bot-Api-Secret-Token` header equal to our secret (compared in constant time), or it is
refused with 403: anyone can find the URL, only Telegram knows the secret. An update is answered
200 as soon as it is queued, so Telegram does not redeliver it because we were slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # an update is a few kilobytes; refuse anything absurd


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers: `maillage run` owns SIGINT/SIGTERM for every part."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebhookServer:
    def __init__(self, listen: str, port: int, path: str, secret: str,
                 on_update: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.listen = listen
        self.port = port
        self.path = path or "/"
        self._secret = secret.encode()
        self._on_update = on_update
        self._server: _QuietServer | None = None
        self._task: asyncio.Task | None = None

    def asgi(self) -> Starlette:
        return Starlette(routes=[Route(self.path, self._receive, methods=["POST"])])

    async def _receive(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook call without the right secret token from %s: refused",
                        request.client.host if request.client else "?")
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            return Response(status_code=400)
        if not isinstance(data, dict) or "update_id" not in data:
            return Response(status_code=400)
        await self._on_update(data)
        return Response(status_code=200)

    async def start(self, timeout: float = 10.0) -> None:
        config = uvicorn.Config(self.asgi(), host=self.listen, port=self.port, log_level="warning",
                                lifespan="off", access_log=False)
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve(), name="telegram-webhook")
        async with asyncio.timeout(timeout):
            while not self._server.started:
                if self._task.done():
                    self._task.result()  # raises why it could not start (port taken...)
                    raise RuntimeError("the Telegram webhook server stopped at start")
                await asyncio.sleep(0.02)
        log.info("Telegram webhook listening on %s:%s%s", self.listen, self.bound_port, self.path)

    @property
    def bound_port(self) -> int:
        """The port actually bound (differs from `port` when it was 0)."""
        if self._server is None or not self._server.servers:
            return self.port
        return self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 10)
        self._server = self._task = None
