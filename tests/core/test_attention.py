"""Quiet hours and the attention budget."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.outbox.attention import is_quiet, next_allowed
from bot.config import AttentionConfig
from bot.outbox.notify import notify_member
from bot.types import Reply
from storage.models import Identity, Member, OutboxMessage

CONFIG = AttentionConfig()
UTC = timezone.utc


@pytest.mark.parametrize("utc, expected", [
    (datetime(2026, 11, 25, 10, 0, tzinfo=UTC), datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),  # Wed 11:00 Paris
    (datetime(2026, 11, 25, 19, 30, tzinfo=UTC), datetime(2026, 11, 26, 8, 0, tzinfo=UTC)),  # Wed 20:30 -> Thu 9:00
    (datetime(2026, 11, 26, 7, 0, tzinfo=UTC), datetime(2026, 11, 26, 8, 0, tzinfo=UTC)),  # Thu 8:00 -> 9:00
    (datetime(2026, 11, 27, 20, 0, tzinfo=UTC), datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),  # Fri 21:00 -> Mon
    (datetime(2026, 11, 28, 12, 0, tzinfo=UTC), datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),  # Saturday -> Mon
    (datetime(2027, 3, 27, 12, 0, tzinfo=UTC), datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),  # DST weekend: 9:00 CEST
])
def test_nudges_are_deferred_to_the_next_allowed_time(utc, expected):
    assert next_allowed(utc, "Europe/Paris", CONFIG) == expected


def test_quiet_hours_that_do_not_span_midnight():
    config = AttentionConfig(quiet_start="12:00", quiet_end="14:00", quiet_weekends=False)
    assert is_quiet(datetime(2026, 11, 25, 13, 0), config)
    assert not is_quiet(datetime(2026, 11, 25, 15, 0), config)


async def test_budget_caps_nudges_but_not_transactional_messages(app, clock):
    async with app.db.session() as session:
        member = Member(display_name="Ana")
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="memory", platform_user_id="ana", display_name="Ana"))
    budget = app.config.attention.budget_per_30_days
    written = []
    async with app.db.session() as session:
        member = await session.get(Member, member.id)
        for i in range(budget + 2):
            written.append(await notify_member(session, app.config, member, lambda t: Reply("nudge"), key=f"n{i}",
                                               purpose="test", now=clock.now(), nudge=True))
        assert await notify_member(session, app.config, member, lambda t: Reply("answer"), key="tx",
                                   purpose="test", now=clock.now())
    assert written == [True] * budget + [False, False]
    async with app.db.session() as session:
        row = await session.get(OutboxMessage, 1)
        assert row.payload["silent"] is True, "nudges are delivered silently"
    clock.advance(days=31)
    async with app.db.session() as session:
        member = await session.get(Member, member.id)
        assert await notify_member(session, app.config, member, lambda t: Reply("n"), key="later", purpose="test",
                                   now=clock.now(), nudge=True)


async def test_nothing_is_written_for_a_member_nobody_can_reach(app, clock):
    async with app.db.session() as session:
        member = Member(display_name="Ghost")
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform="memory", platform_user_id="g", display_name="G",
                             dm_status="unreachable"))
        assert not await notify_member(session, app.config, member, lambda t: Reply("x"), key="x", purpose="t",
                                       now=clock.now())
