"""Fixtures of the Discord adapter tests: the harness around the shared `app` fixture."""

from __future__ import annotations

import pytest_asyncio

from discord_harness import DiscordHarness


@pytest_asyncio.fixture
async def harness(app):
    """The real Discord adapter on a fake Discord, started against the test app's core."""
    harness = DiscordHarness(app)
    await harness.start()
    yield harness
    await harness.stop()
    harness.close()
