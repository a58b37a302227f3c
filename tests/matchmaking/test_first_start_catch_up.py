"""A first start mid-week (issue 16): last Monday's round is not run at once, the preview names the
coming round, and the coming round runs on its day; a round missed later, while down, is caught up."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from jobs.matchmaking import catch_up
from storage.models.matchmaking import MatchRound, MatchScheduling
from tests.testkit import answered_later


async def rounds(app) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(func.count()).select_from(MatchRound))).scalar_one()


async def test_first_start_on_a_wednesday_waits_for_the_next_round(app, net, clock, memory):
    await net.member("Ana", "fabrique", needs="3d-printing")
    await net.member("Hugo", "hangar", offers="3d-printing")
    # Wednesday 25/11, first start ever: the 16/11 round was due but the network did not schedule yet.
    assert await catch_up(app, clock.now()) is None
    assert await rounds(app) == 0
    async with app.db.session() as session:
        [since] = (await session.execute(select(MatchScheduling.since))).scalars().all()
    assert since == clock.now()
    boss = memory.user("animator", "Boss", language="en")
    [asked] = await boss.send("/matchmaking preview")
    # The preview shows the round the schedule will run, and says what /matchmaking run would send.
    assert "round of 30/11" in asked.text and "The round of 16/11, this period's, did not run" in asked.text
    assert "otherwise the next is the round of 30/11" in asked.text
    shown = await answered_later(app, boss)
    assert "round of 30/11" in shown.title and "Ana (La Fabrique) and Hugo (Le Hangar)" in shown.text
    [counting] = await boss.send("/matchmaking run")
    assert "round of 16/11" in counting.text
    assert "This is the round of 16/11, this period's, not the next scheduled round (round of 30/11)" in counting.text
    await answered_later(app, boss)  # the confirmation (not pressed: the story goes on with the schedule)
    clock.set(datetime(2026, 11, 30, 9, 5, tzinfo=timezone.utc))  # Monday 30/11, 10:05 in Paris
    assert await catch_up(app, clock.now()) == "ran"
    assert await rounds(app) == 1
    clock.set(datetime(2026, 12, 16, 9, tzinfo=timezone.utc))  # down on Monday 14/12: caught up
    assert await catch_up(app, clock.now()) == "ran"
    assert await rounds(app) == 2
