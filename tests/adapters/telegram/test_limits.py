"""The pace limiter (limits.py) on a simulated clock, and a 500-message broadcast through the real
outbox dispatcher and adapter (bench/bench_telegram_broadcast.py) with a 429 and a dropped request."""

from __future__ import annotations

import asyncio

import pytest

from adapters.telegram.limits import ThroughputLimiter
from bench.bench_telegram_broadcast import max_in_window, run_broadcast


class FakeTime:
    """Jumps instead of waiting; one sender at a time (or several that sleep in turn)."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_overall_pace_is_smooth_30_per_second():
    time = FakeTime()
    limiter = ThroughputLimiter(clock=time)
    times = [await limiter.acquire(1000 + n) for n in range(300)]
    assert max_in_window(times) == 30
    assert times[-1] == pytest.approx(299 / 30)


async def test_one_private_chat_gets_a_short_burst_then_one_per_second():
    time = FakeTime()
    limiter = ThroughputLimiter(clock=time)
    times = [await limiter.acquire(42) for _ in range(9)]
    assert times[:3] == pytest.approx([0, 1 / 30, 2 / 30])  # a command's few replies go at once
    assert max_in_window(times, 3.0) == 3
    assert times[-1] == pytest.approx(6 + 2 / 30, abs=0.01)  # then 1 per second on average


async def test_a_group_gets_at_most_20_per_minute():
    time = FakeTime()
    limiter = ThroughputLimiter(clock=time)
    times = [await limiter.acquire(-100123) for _ in range(45)]
    assert max_in_window(times, 60.0) <= 20  # spread evenly, it stays just under (issue 20.6)
    assert times[20] >= 60.0 and times[40] >= 120.0


async def test_a_429_holds_every_send_for_the_time_asked():
    time = FakeTime()
    limiter = ThroughputLimiter(clock=time)
    await limiter.acquire(1)
    limiter.penalize(5)
    assert await limiter.acquire(2) == pytest.approx(5.0)


async def test_concurrent_senders_keep_each_chats_order_and_the_pace():
    limiter = ThroughputLimiter(global_per_second=500, private_per_second=100, private_burst=2)
    order: list[tuple[int, int]] = []

    async def send(chat: int, n: int) -> float:
        at = await limiter.acquire(chat)
        order.append((chat, n))
        return at

    times = await asyncio.wait_for(
        asyncio.gather(*(send(chat, n) for n in range(10) for chat in (1, 2, 3))), 10)
    for chat in (1, 2, 3):
        assert [n for c, n in order if c == chat] == list(range(10))
    assert max_in_window(sorted(times), 1.0) <= 500
    assert limiter.sent == 30


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
async def test_broadcast_of_500_through_the_outbox_respects_the_limits(sqlite_url, capsys):
    figures = await run_broadcast(sqlite_url, 500, faults=True)
    assert figures.statuses == {"sent": 500}
    assert (figures.delivered, figures.distinct, figures.duplicates) == (500, 500, 0)
    assert figures.max_in_any_second <= 30
    # 499 gaps of 1/30 s plus the 2 s Telegram asked for after its 429.
    assert figures.simulated_seconds == pytest.approx(499 / 30 + 2, abs=0.2)
    with capsys.disabled():
        print(f"\n[telegram] broadcast of 500 (one 429, one dropped request): {figures.rate:.2f} msg/s simulated, "
              f"max {figures.max_in_any_second} in any second, {figures.wall_seconds:.1f} s wall")


async def test_a_group_stream_is_spread_evenly_not_in_bursts():
    # Issue 20.6: 60 messages to one group went out as 20 within one second, then a minute's wait.
    time = FakeTime()
    limiter = ThroughputLimiter(clock=time)
    times = [await limiter.acquire(-100777) for _ in range(60)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 1.0 - 1e-9  # about one message per second per chat, at most
    assert 19 <= max_in_window(times, 60.0) <= 20
    assert max_in_window(times, 10.0) <= 5  # no burst: the short start, then one every 3.5 s
    assert max(gaps) <= 60 / 17 + 1e-6  # and no long silence either (was a minute)
    assert times[2] == pytest.approx(2.0)  # a command's few replies in a group still go promptly
