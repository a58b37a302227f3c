"""Live walls: one poller per web process reads the change log and pushes new panels to every
open screen over server-sent events.

Each screen subscribes to a scope (the network or one venue, in one language). When the change
log (`bot.wall.changes`, written by whichever process made the change) grows, or every
`refresh_seconds` ("today" moves on), the hub redraws each watched scope once and wakes its
subscribers only if the drawing changed: 200 screens cost one render, not 200. A screen that
reconnects with `Last-Event-ID` gets what it missed, which is the current drawing (each drawing
is the whole state, so the latest one replays every change before it), or nothing if it is up to
date. The poller runs only while someone watches, and stops with the last screen.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from adapters.web.wall_html import render_panels
from bot.wall.changes import changes_after, head
from bot.wall.panels import Wall, build_wall

if TYPE_CHECKING:
    from bot.application import App

log = logging.getLogger(__name__)

LOOKBACK = 50  # ids kept re-read behind the newest seen (PostgreSQL ids commit out of order)
RETRY_MS = 3000


@dataclass
class Drawing:
    version: str
    wall: Wall
    panels: dict[str, str]
    message: str  # the SSE "data:" line, ready to send


@dataclass
class Scope:
    slug: str | None
    locale: str
    drawing: Drawing | None = None
    watchers: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    drawn_at: float = 0.0
    # One drawing at a time per scope: 200 screens arriving together wait for one render and share
    # it (on SQLite every transaction takes the write lock, so 200 at once would queue for it).
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class WallHub:
    def __init__(self, app: "App") -> None:
        self.app = app
        self.config = app.config.wall
        self.scopes: dict[tuple[str | None, str], Scope] = {}
        self.head = 0
        self._seen: set[int] = set()
        self._low = 0
        self._poller: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    # -- drawing -----------------------------------------------------------------------------
    async def drawing(self, slug: str | None, locale: str) -> Drawing | None:
        """The scope's current drawing (made now if nobody watches it); None for an unknown venue."""
        scope = self.scopes.setdefault((slug, locale), Scope(slug, locale))
        async with scope.lock:
            if scope.drawing is not None and (
                    scope.watchers or time.monotonic() - scope.drawn_at < self.config.poll_seconds):
                return scope.drawing
            if self._poller is None:
                self.head = await head(self.app.db)  # a first drawing is as new as the log
            await self._redraw(scope)
        if scope.drawing is None and not scope.watchers:
            self.scopes.pop((slug, locale), None)
        return scope.drawing

    async def _redraw_locked(self, scope: Scope, since: float = 0.0) -> bool:
        """Redraw unless someone else did after `since` (they waited on the same lock)."""
        async with scope.lock:
            if scope.drawing is not None and scope.drawn_at > since:
                return False
            return await self._redraw(scope)

    async def _redraw(self, scope: Scope) -> bool:
        wall = await build_wall(self.app.db, self.app.config, self.app.clock.now(), scope.slug, scope.locale)
        scope.drawn_at = time.monotonic()
        if wall is None:
            scope.drawing = None
            return False
        panels = render_panels(wall)
        digest = hashlib.sha256(json.dumps(panels, sort_keys=True).encode()).hexdigest()[:12]
        if scope.drawing is not None and scope.drawing.version.endswith(digest):
            return False
        version = f"{self.head}-{digest}"
        scope.drawing = Drawing(version, wall, panels, json.dumps({"v": version, "panels": panels},
                                                                  ensure_ascii=False, separators=(",", ":")))
        return True

    async def _redraw_watched(self) -> None:
        for scope in list(self.scopes.values()):
            if scope.watchers:
                before = scope.drawing.version if scope.drawing else None
                await self._redraw_locked(scope, since=time.monotonic())
                if scope.drawing is not None and scope.drawing.version != before:
                    scope.changed.set()  # each screen sends the drawing unless it has it already
                    scope.changed = asyncio.Event()

    # -- polling -----------------------------------------------------------------------------
    async def _start_polling(self) -> None:
        # The cursor is taken before any drawing is made for a watcher, so a change committed
        # between the two is read as new (and drawn again) rather than taken as already seen.
        self.head = await head(self.app.db)
        self._low = max(0, self.head - LOOKBACK)
        self._seen = {c.id for c in await changes_after(self.app.db, self._low)}
        self._poller = asyncio.create_task(self._poll_forever(), name="wall-poller")

    async def _poll_forever(self) -> None:
        last_draw = time.monotonic()
        while any(scope.watchers for scope in self.scopes.values()):
            await asyncio.sleep(self.config.poll_seconds)
            try:
                fresh = [c for c in await changes_after(self.app.db, self._low) if c.id not in self._seen]
                if fresh:
                    self._seen |= {c.id for c in fresh}
                    self.head = max(self.head, max(c.id for c in fresh))
                    self._low = max(self._low, self.head - LOOKBACK)
                    self._seen = {i for i in self._seen if i > self._low}
                if fresh or time.monotonic() - last_draw >= self.config.refresh_seconds:
                    last_draw = time.monotonic()
                    await self._redraw_watched()
            except Exception:  # a database hiccup: keep the screens, try again next second
                log.exception("the wall could not read the change log")
        self._poller = None

    # -- subscribing -------------------------------------------------------------------------
    async def stream(self, slug: str | None, locale: str, last_seen: str | None, build: str,
                     stopping: asyncio.Event | None = None) -> AsyncIterator[str]:
        """SSE text for one screen: the drawing if it lacks it, then each new one, and heartbeats,
        until the server stops (`stopping`): the screen then reconnects to the next one."""
        scope = self.scopes.setdefault((slug, locale), Scope(slug, locale))
        scope.watchers += 1
        try:
            async with self._lock:
                if self._poller is None or self._poller.done():
                    await self._start_polling()
            if scope.watchers == 1 or scope.drawing is None:  # nobody kept it fresh until now
                await self._redraw_locked(scope, since=time.monotonic() - self.config.poll_seconds)
            drawing = scope.drawing
            yield f"retry: {RETRY_MS}\n\n"
            ping = f"event: ping\ndata: {json.dumps({'build': build})}\n\n"
            if drawing is not None and drawing.version != last_seen:
                yield f"id: {drawing.version}\nevent: wall\ndata: {drawing.message}\n\n"
                last_seen = drawing.version
            else:
                yield ping
            stopping = stopping or asyncio.Event()
            while not stopping.is_set():
                waiting = asyncio.ensure_future(scope.changed.wait())
                stop = asyncio.ensure_future(stopping.wait())
                done, _ = await asyncio.wait((waiting, stop), timeout=self.config.heartbeat_seconds,
                                             return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                stop.cancel()
                if stopping.is_set():
                    break
                if not done:
                    yield ping
                    continue
                drawing = scope.drawing
                if drawing is not None and drawing.version != last_seen:
                    yield f"id: {drawing.version}\nevent: wall\ndata: {drawing.message}\n\n"
                    last_seen = drawing.version
        finally:
            scope.watchers -= 1

    @property
    def watchers(self) -> int:
        return sum(scope.watchers for scope in self.scopes.values())
