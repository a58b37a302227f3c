"""The HTTP face of Maillage (Starlette + uvicorn, inside the bot's own loop).

Every module of this package that defines `routes(app) -> list[starlette.routing.BaseRoute]`
contributes its routes (calendar feeds, the live wall...). `start_web` serves them on the configured
host and port and returns a handle whose `stop()` shuts the server down.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from adapters.web.serve import RunningServer, serve_asgi
from bot.config import WebConfig
from bot.plugins import modules_with

if TYPE_CHECKING:
    from bot.application import App

log = logging.getLogger(__name__)


def build_asgi(app: "App") -> Starlette:
    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "network": app.config.network.name})

    routes: list[BaseRoute] = [Route("/healthz", health)]
    for module in modules_with(__name__, "routes"):
        routes += module.routes(app)
    return Starlette(routes=routes)


async def start_web(config: WebConfig, app: "App") -> RunningServer:
    asgi = build_asgi(app)
    server = await serve_asgi(asgi, config.host, config.port, "web")
    asgi.state.stopping = server.stopping  # read by endless responses (the wall's event streams)
    log.info("web server on http://%s:%s", config.host, server.port)
    return server
