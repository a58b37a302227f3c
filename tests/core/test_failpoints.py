"""Failpoints stay inert unless the environment arms them, and an armed one logs, then pauses."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot import failpoints


@pytest.fixture(autouse=True)
def fresh_reading():
    failpoints._armed.cache_clear()
    yield
    failpoints._armed.cache_clear()


async def test_a_point_nobody_armed_returns_at_once(monkeypatch):
    monkeypatch.delenv(failpoints.VARIABLE, raising=False)
    await asyncio.wait_for(failpoints.reach("matchmaking.round_before_commit"), timeout=60)


async def test_an_armed_point_logs_and_pauses_until_the_process_is_killed(monkeypatch, caplog):
    monkeypatch.setenv(failpoints.VARIABLE, "other.point, matchmaking.round_before_commit=pause")
    caplog.set_level(logging.WARNING, logger="bot.failpoints")
    task = asyncio.create_task(failpoints.reach("matchmaking.round_before_commit"))
    await asyncio.sleep(0)  # one step of the task: it logs at once, then sleeps
    assert "failpoint matchmaking.round_before_commit reached" in caplog.text
    assert not task.done(), "it waits there, for the test to kill the process"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert failpoints._armed() == {"other.point": "pause", "matchmaking.round_before_commit": "pause"}
