"""A round delivered through SIGKILLs (issue 18.1) and a round missed while down caught up once
(18.9), with real `maillage run` processes on SQLite against the Telegram emulator.

Item 9 is the same run seen from the schedule: the round's time passed while the bot was down, the
catch-up at a start writes it once (counted in the logs), and two more starts after the end run
nothing. The suite runs the small version (150 members, 4 kills: one inside the round's write, three in delivery); `bench/bench_round_kills.py` runs 20 kills
on 2,000 members and prints the table (see tests/e2e/round_kills.py for what is checked).
"""

from __future__ import annotations

import pytest

from round_kills import run_kills
from tgemu import TelegramEmulator, skip_reason

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")]


async def test_a_round_killed_four_times_is_delivered_once_and_caught_up_once(tmp_path):
    async with TelegramEmulator() as emu:
        report = await run_kills(tmp_path, members=150, kills=4, seed=18, emu=emu, say=print)
    print("\n" + report.table())
    assert len(report.kills) >= 3, report.table()
    assert {kill.phase for kill in report.kills} == {"writing", "delivery"}, report.table()
    assert report.rounds == 1, "exactly one round for the period"
    assert report.rows >= 145  # one proposal per member (an odd one out may wait)
    assert set(report.statuses) <= {"sent", "unknown"}, report.statuses
    assert report.duplicates == 0 and report.missing == 0, report.table()
    assert report.delivered_once == report.statuses["sent"], report.table()
    assert report.listed_unknown == report.statuses["unknown"], "`maillage outbox unknown` lists each one"
    assert report.rounds_run == 1 and report.restarts_after == 2, "one catch-up wrote it; two more starts ran nothing"

