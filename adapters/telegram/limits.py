"""Outgoing throughput limits for Telegram: ~30 messages/s overall, 1/s per private chat, 20/min per group.

Why our own limiter rather than python-telegram-bot's `AIORateLimiter`:
- `AIORateLimiter` retries a 429 itself (with `max_retries` > 0), which hides it from the outbox
  dispatcher: the dispatcher already waits as Telegram asks, pauses the whole platform and keeps the
  message pending across restarts. Two layers retrying means double waits and a send that hangs
  for minutes inside one outbox lease. With `max_retries=0` it logs a traceback for every 429.
- It has no per-private-chat pace (only overall and per-group), so replies to one eager user and a
  broadcast share one bucket.
- It reads the event loop's real clock, so its pace cannot be measured with a simulated clock.
This limiter never retries: a 429 pauses every send for the time Telegram asked (`penalize`) and
is raised to the caller, who decides (the dispatcher re-queues, a direct reply waits once).

The pace rules: overall, sends are spaced by 1/`global_per_second` (smooth, no burst: bursts are
what trigger Telegram's flood control in broadcasts); a private chat gets at most `private_burst`
messages in any `private_burst / private_per_second` seconds (a command's two or three replies go at
once, a stream is held to 1/s); a group at most `group_per_minute` in any 60 s, **spread evenly**:
a few messages (`GROUP_BURST`) may go about a second apart, then one every 60/(`group_per_minute` −
burst) seconds (a token bucket), never two within `GROUP_MIN_INTERVAL` — 60 messages to one group
go out one every 3.5 s, not 20 within a second then a minute's silence (Telegram advises about one message per
second per chat). One chat's messages keep their order (a FIFO lock per chat).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from adapters.telegram.errors import retry_seconds

log = logging.getLogger(__name__)

# Bot API methods that post or change a message in a chat: the ones Telegram's flood control counts.
# answerCallbackQuery must never wait (the user sees a spinner), nor getMe, setMyCommands...
THROTTLED = frozenset({
    "sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "sendAnimation", "sendVideo", "sendAudio",
    "sendVoice", "sendSticker", "sendLocation", "sendPoll", "copyMessage", "forwardMessage",
    "editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia",
})
PRUNE_ABOVE = 2048  # chats remembered before idle ones are forgotten
GROUP_BURST = 3  # messages a quiet group may get at the short interval (a command's few replies)
GROUP_MIN_INTERVAL = 1.0  # seconds between two messages to one group, always


class TimeSource(Protocol):
    """Where the limiter reads the time and waits; real in production, simulated in benchmarks."""

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealTime:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class SlidingWindow:
    """At most `limit` events in any `period` seconds."""

    __slots__ = ("limit", "period", "times")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.times: deque[float] = deque(maxlen=limit)

    def earliest(self, now: float) -> float:
        if len(self.times) < self.limit:
            return now
        return max(now, self.times[0] + self.period)

    def record(self, at: float) -> None:
        self.times.append(at)

    def idle(self, now: float) -> bool:
        return not self.times or self.times[-1] + self.period <= now


class EvenPace:
    """A group's pace: a token bucket (`burst` tokens, one back every `interval` s) and a minimum gap.

    Together with the group's sliding window it spreads a stream evenly instead of in bursts.
    """

    __slots__ = ("burst", "interval", "gap", "tokens", "updated", "last")

    def __init__(self, burst: int, interval: float, gap: float) -> None:
        self.burst, self.interval, self.gap = burst, interval, gap
        self.tokens, self.updated, self.last = float(burst), None, None

    def _refill(self, now: float) -> float:
        if self.updated is None:
            return self.tokens
        return min(float(self.burst), self.tokens + (now - self.updated) / self.interval)

    def earliest(self, now: float) -> float:
        tokens = self._refill(now)
        at = now if tokens >= 1 - 1e-9 else now + (1 - tokens) * self.interval
        return at if self.last is None else max(at, self.last + self.gap)

    def record(self, at: float) -> None:
        self.tokens = self._refill(at) - 1
        self.updated = self.last = at


class ThroughputLimiter:
    """Waits until a message may go to a chat; see the module docstring for the rules."""

    def __init__(self, *, global_per_second: float = 30.0, private_per_second: float = 1.0,
                 private_burst: int = 3, group_per_minute: int = 20, clock: TimeSource | None = None) -> None:
        self.clock = clock or RealTime()
        self.interval = 1.0 / global_per_second
        self._private = (private_burst, private_burst / private_per_second)
        self._group = (group_per_minute, 60.0)
        self._next_global = 0.0
        self._paused_until = 0.0
        self._windows: dict[int, SlidingWindow] = {}
        self._paces: dict[int, EvenPace] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.sent = 0

    @staticmethod
    def is_group(chat_id: int) -> bool:
        return chat_id < 0  # Telegram: people have positive ids, groups and channels negative ones

    async def acquire(self, chat_id: int) -> float:
        """Returns (at the clock's time it returns) once a message may be sent to `chat_id`."""
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        async with lock:
            window = self._window(chat_id)
            pace = self._pace(chat_id)
            while True:
                now = self.clock.monotonic()
                at = max(now, window.earliest(now), self._next_global, self._paused_until)
                if pace is not None:
                    at = max(at, pace.earliest(now))
                if at - now <= 1e-6:  # a microsecond early is on time (and no float ping-pong)
                    break
                await self.clock.sleep(at - now)
            # No await between the last check and these lines: concurrent senders cannot both pass.
            window.record(now)
            if pace is not None:
                pace.record(now)
            self._next_global = max(self._next_global, now) + self.interval
            self.sent += 1
        if len(self._windows) > PRUNE_ABOVE:
            self._prune(now)
        return now

    def penalize(self, seconds: float) -> None:
        """Telegram answered 429: hold every send for `seconds`."""
        until = self.clock.monotonic() + max(seconds, 0.0)
        if until > self._paused_until:
            self._paused_until = until
            log.warning("Telegram flood control: holding sends for %.1f s", seconds)

    def _window(self, chat_id: int) -> SlidingWindow:
        window = self._windows.get(chat_id)
        if window is None:
            limit, period = self._group if self.is_group(chat_id) else self._private
            window = self._windows[chat_id] = SlidingWindow(limit, period)
        return window

    def _pace(self, chat_id: int) -> EvenPace | None:
        if not self.is_group(chat_id):
            return None
        pace = self._paces.get(chat_id)
        if pace is None:
            limit, period = self._group
            # Refill so that a full bucket plus a minute of refills never passes the minute's limit:
            # the sliding window then never has to stop a group for long (an even stream).
            burst = min(GROUP_BURST, max(limit - 1, 1))
            pace = self._paces[chat_id] = EvenPace(burst, period / max(limit - burst, 1), GROUP_MIN_INTERVAL)
        return pace

    def _prune(self, now: float) -> None:
        for chat_id, window in list(self._windows.items()):
            lock = self._locks.get(chat_id)
            if window.idle(now) and (lock is None or not lock.locked()):
                del self._windows[chat_id]
                self._locks.pop(chat_id, None)
                self._paces.pop(chat_id, None)  # idle a full window: its bucket is full again anyway


class TelegramRateLimiter(BaseRateLimiter[None]):
    """Plugs `ThroughputLimiter` into python-telegram-bot, so every send by the bot is paced,
    whether it comes from the outbox or from a direct reply. Never retries (see module docstring)."""

    def __init__(self, limiter: ThroughputLimiter) -> None:
        self.limiter = limiter

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        chat_id = data.get("chat_id")
        if endpoint in THROTTLED and chat_id is not None:
            try:
                await self.limiter.acquire(int(chat_id))
            except (TypeError, ValueError):  # an @channel username: only the overall pace applies
                await self.limiter.acquire(-1)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            self.limiter.penalize(retry_seconds(error))
            raise
