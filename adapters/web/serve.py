"""Serving an ASGI app with uvicorn inside the bot's own loop (the web face, the Telegram webhook).

uvicorn's own signal handling is switched off: `maillage run` owns SIGINT/SIGTERM and stops every
part in order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class RunningServer:
    def __init__(self, server: uvicorn.Server, task: asyncio.Task) -> None:
        self.server = server
        self.task = task
        # Set first thing on stop: endless responses (the wall's event streams) end on it, so the
        # server is not left waiting for them.
        self.stopping = asyncio.Event()

    @property
    def port(self) -> int:
        """The port actually bound (differs from the one asked when that was 0)."""
        return self.server.servers[0].sockets[0].getsockname()[1]

    async def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.task, timeout)


async def serve_asgi(asgi, host: str, port: int, name: str, timeout: float = 10.0) -> RunningServer:
    """Start serving and return once the socket is bound; raises why it could not (port taken...)."""
    config = uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="off", access_log=False)
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(), name=name)
    async with asyncio.timeout(timeout):
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError(f"the {name} server stopped at start")
            await asyncio.sleep(0.02)
    return RunningServer(server, task)
