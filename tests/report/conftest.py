"""Fixtures of the report's tests: the seeded network of reportkit.py."""

from __future__ import annotations

import pytest
import pytest_asyncio

from reportkit import PERIOD, seed
from bot.report.days import Period


@pytest_asyncio.fixture
async def seeded(app):
    return await seed(app)


@pytest.fixture
def period() -> Period:
    return PERIOD
