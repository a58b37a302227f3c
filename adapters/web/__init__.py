"""The HTTP face of Maillage (Starlette + uvicorn, inside the bot's own loop).

Every module of this package that defines `routes(app) -> list[starlette.routing.BaseRoute]`
contributes its routes (calendar feeds, the live wall...). `start_web` serves them on the configured
host and port and returns a handle whose `stop()` shuts the server down.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.config import WebConfig

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def build_asgi(app: "App") -> Starlette:
    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "network": app.config.network.name})

    routes: list[BaseRoute] = [Route("/healthz", health)]
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "routes"):
            routes += module.routes(app)
    return Starlette(routes=routes)


class WebServer:
    def __init__(self, server: uvicorn.Server, task: asyncio.Task) -> None:
        self.server = server
        self.task = task

    @property
    def port(self) -> int:
        return self.server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, timeout=10)


async def start_web(config: WebConfig, app: "App") -> WebServer:
    uvicorn_config = uvicorn.Config(build_asgi(app), host=config.host, port=config.port, log_level="warning",
                                    lifespan="off", access_log=False)
    server = uvicorn.Server(uvicorn_config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # the app owns signals
    task = asyncio.create_task(server.serve(), name="web")
    while not server.started:
        if task.done():
            task.result()  # raises the startup error (port in use...)
        await asyncio.sleep(0.02)
    log.info("web server on http://%s:%s", config.host, server.servers[0].sockets[0].getsockname()[1])
    return WebServer(server, task)
