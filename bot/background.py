"""Work a handler starts and answers later: a matchmaking round planned for a chat command.

A handler runs inside its event's transaction and, on SQLite, the adapters hand the core one event
at a time: a handler that plans a 3,000-member round for 20 s would keep everyone else waiting. So
the handler answers at once ("the round is being prepared…") and starts the work here; the work
opens its own sessions (a read-only snapshot to plan, a short transaction to write) and sends its
result through the outbox, like any proactive message.

One task per name at a time (a second press while the round is prepared is told so, not run twice),
a strong reference to each task until it ends, its failure logged, never raised into the loop.
`drain` waits for the work under way (tests, a graceful stop); `close` cancels it (nothing is half
written: each task's writes are single transactions, rolled back when cancelled).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger(__name__)


class Background:
    """Named background tasks of the core, with the database they open their sessions on; `wake`
    is called after a task wrote to the outbox (the dispatcher then sends at once)."""

    def __init__(self, db: "Database", wake: Callable[[], None] | None = None) -> None:
        self.db = db
        self.wake = wake
        self._tasks: dict[str, asyncio.Task] = {}

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def start(self, name: str, work: Callable[[], Awaitable[bool]]) -> bool:
        """Start `work()` (returning whether it wrote to the outbox) unless `name` is under way."""
        if self.running(name):
            return False
        self._tasks[name] = asyncio.create_task(self._run(name, work), name=f"background:{name}")
        return True

    async def _run(self, name: str, work: Callable[[], Awaitable[bool]]) -> None:
        try:
            wrote = await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background work %s failed", name)
            return
        finally:
            if self._tasks.get(name) is asyncio.current_task():
                del self._tasks[name]
        if wrote and self.wake is not None:
            self.wake()

    async def drain(self) -> None:
        """Wait until no work is under way (work started meanwhile is waited for too)."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
