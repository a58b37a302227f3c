"""Webhook mode: a small HTTP endpoint (Starlette on uvicorn, in our own loop) that Telegram calls.

Telegram POSTs each update to the public `webhook_url`; a reverse proxy (nginx, Caddy) terminates
TLS and forwards that path to `webhook_listen:webhook_port`. Every request must carry the
`X-Telegram-Bot-Api-Secret-Token` header equal to our secret (compared in constant time), or it is
refused with 403: anyone can find the URL, only Telegram knows the secret. An update is answered
200 as soon as it is queued, so Telegram does not redeliver it because we were slow.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.web.serve import RunningServer, serve_asgi

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # an update is a few kilobytes; refuse anything absurd


class WebhookServer:
    def __init__(self, listen: str, port: int, path: str, secret: str,
                 on_update: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.listen = listen
        self.port = port
        self.path = path or "/"
        self._secret = secret.encode()
        self._on_update = on_update
        self._server: RunningServer | None = None

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
        self._server = await serve_asgi(self.asgi(), self.listen, self.port, "telegram-webhook", timeout)
        log.info("Telegram webhook listening on %s:%s%s", self.listen, self.bound_port, self.path)

    @property
    def bound_port(self) -> int:
        """The port actually bound (differs from `port` when it was 0)."""
        return self._server.port if self._server is not None else self.port

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
        self._server = None
