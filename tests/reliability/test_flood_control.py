"""500 DMs with 429 `retry_after` on 30 % of the calls (issue 18.2), through the real Telegram adapter,
its limiter and the outbox dispatcher; the wire is the broadcast benchmark's fake Bot API (PTB's HTTP
layer), time simulated (see bench/bench_telegram_broadcast.py). Figures of one run (seeded):
all delivered once, no send inside a wait a 429 asked for, at most 30 in any second, one person's
chat at most 3 in any 3 s (the burst, then 1/s), a group's at most 20 in any minute."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

from bench.bench_telegram_broadcast import run_broadcast


@pytest.mark.parametrize(("scenario", "kwargs"), [
    ("500 people", {"messages": 500}),
    ("50 people x 10", {"messages": 500, "chats": 50}),
    ("10 groups x 30", {"messages": 300, "groups": 10}),
], ids=["500-people", "50-people-x10", "10-groups-x30"])
async def test_a_broadcast_under_flood_control_arrives_once_and_on_time(sqlite_url, scenario, kwargs):
    figures = await run_broadcast(sqlite_url, flood_rate=0.3, seed=18, **kwargs)
    print(f"\n{scenario}: {figures.delivered} sent, {figures.refused} answered 429, {figures.early} early, "
          f"max {figures.max_in_any_second}/s, per chat max {figures.max_per_chat_in_3s}/3 s and "
          f"{figures.max_per_chat_in_60s}/60 s, {figures.simulated_seconds:.0f} simulated s")
    assert figures.refused >= 0.2 * figures.messages, "the fault was injected"
    assert figures.delivered == figures.distinct == figures.messages and figures.duplicates == 0
    assert figures.statuses == {"sent": figures.messages}
    assert figures.early == 0, "nothing sent inside a wait Telegram asked for"
    assert figures.max_in_any_second <= 30
    assert figures.max_per_chat_in_3s <= 3  # a person's chat: 3 at once at most, then one a second
    if "groups" in kwargs:
        assert figures.max_per_chat_in_60s <= 20 and figures.min_gap_in_a_chat >= 1.0 - 1e-6
