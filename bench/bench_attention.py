"""Benchmark: one simulated month of a 2,000-member network under the one attention budget.

Every nudge of the month goes through the real `notify_member` (and campaigns through the real
campaign sending) on a real SQLite database, with the network's default rules (4 nudges per 30 days,
quiet 20:00-09:00 and weekends, Europe/Paris): matchmaking proposals every other Monday for the
members in rounds, a follow-up a week after for half of them, two campaigns a week to half the
network (alternately the English and the French speakers), a weekly digest for the 20 % who follow one, and the programme's events with the reminders
of those who RSVPed (transactional). Targets (issue 11): p95 <= 4 nudges per member per month,
0 nudges due in quiet hours, 0 members over budget.

The proposals are written as the round writes them (`notify_member(..., purpose="mm.proposal",
nudge=True)`); the round's pairing itself is measured by bench_matching.

Run: `.venv/bin/python -m bench.bench_attention [--quick]`; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from bot.campaigns.sending import deliver_due  # noqa: E402
from bot.config import DatabaseConfig, parse_config  # noqa: E402
from bot.outbox.attention import is_quiet  # noqa: E402
from bot.outbox.notify import notify_member  # noqa: E402
from bot.types import Reply  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Identity, Member, OutboxMessage  # noqa: E402
from storage.models.campaigns import Campaign  # noqa: E402

CONFIG = """
[network]
name = "Bench"
timezone = "Europe/Paris"
"""
START = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # Monday 9:00 in Paris
PARIS = ZoneInfo("Europe/Paris")


def percentile(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))])


async def seed(db: Database, members: int, rng: random.Random) -> list[int]:
    async with db.session() as session:
        rows = [dict(display_name=f"M{n}", bio="", locale="fr" if n % 4 else "en", languages=["fr" if n % 4 else "en"],
                     visibility="network", intro_opt_in=rng.random() < 0.7, cadence="biweekly",
                     consent_at=START - timedelta(days=60), consent_version="bench",
                     created_at=START, updated_at=START) for n in range(members)]
        await session.execute(insert(Member), rows)
        ids = list((await session.execute(select(Member.id).order_by(Member.id))).scalars())
        await session.execute(insert(Identity), [dict(member_id=i, platform="telegram", platform_user_id=str(10_000 + i),
                                                      display_name=f"M{i}", locale=None, dm_status="open",
                                                      created_at=START, last_seen_at=START) for i in ids])
    return ids


async def nudge_all(db: Database, config, ids: list[int], at: datetime, purpose: str, nudge: bool = True) -> int:
    written = 0
    for chunk in range(0, len(ids), 500):
        async with db.session() as session:
            members = (await session.execute(select(Member).where(Member.id.in_(ids[chunk:chunk + 500])))).scalars()
            for member in members:
                written += await notify_member(session, config, member, lambda t: Reply(purpose), now=at,
                                               key=f"{purpose}:{at.isoformat()}:{member.id}", purpose=purpose,
                                               nudge=nudge)
    return written


async def campaign(db: Database, config, at: datetime, number: int) -> int:
    """A campaign spread over two hours, alternately to the English speakers (a quarter of the
    network) and to the French speakers (three quarters): half the network on average."""
    async with db.session() as session:
        session.add(Campaign(author_platform="telegram", author_user_id="1", status="scheduled",
                             text_fr=f"Campagne {number}", text_en="", poll=[], interested=False,
                             audience={"languages": ["en" if number % 2 else "fr"]}, send_at=at, spread_minutes=120,
                             occurrence=0, created_at=at))
    return await deliver_due(db, config, at)


async def simulate(members: int, seed_value: int = 7) -> dict:
    rng = random.Random(seed_value)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/attention.sqlite"
        config = parse_config(CONFIG, environ={})
        import dataclasses
        config = dataclasses.replace(config, database=DatabaseConfig(url=url),
                                     campaigns=dataclasses.replace(config.campaigns, batch_size=500))
        db = Database(url)
        await upgrade(db)
        ids = await seed(db, members, rng)
        async with db.session() as session:
            in_rounds = list((await session.execute(select(Member.id).where(Member.intro_opt_in.is_(True)))).scalars())
        started = time.perf_counter()
        timeline: list[tuple[datetime, str]] = []
        for week in range(5):
            monday = START + timedelta(weeks=week)
            if week % 2 == 0:
                timeline.append((monday + timedelta(hours=1), "round"))
            if week % 2 == 1:
                timeline.append((monday + timedelta(hours=2), "followup"))
            timeline.append((monday + timedelta(days=1, hours=2), "campaign"))
            timeline.append((monday + timedelta(days=3, hours=6), "campaign"))
            timeline.append((monday + timedelta(days=4, hours=11), "digest"))  # Friday 20:00 Paris: quiet
            timeline.append((monday + timedelta(days=2, hours=10), "reminders"))  # Wednesday 19:00 Paris
        timeline = [(at, kind) for at, kind in sorted(timeline) if at < START + timedelta(days=30)]
        campaigns = 0
        attendees = rng.sample(ids, len(ids) // 10)
        digest_readers = rng.sample(ids, len(ids) // 5)
        for at, kind in timeline:
            if kind == "round":
                await nudge_all(db, config, in_rounds, at, "mm.proposal")
            elif kind == "followup":
                await nudge_all(db, config, in_rounds[::2], at, "mm.followup")
            elif kind == "campaign":
                campaigns += 1
                await campaign(db, config, at, campaigns)
                await deliver_due(db, config, at + timedelta(hours=3))  # later batches, if any
            elif kind == "digest":
                await nudge_all(db, config, digest_readers, at, "digest")
            elif kind == "reminders":
                await nudge_all(db, config, attendees, at, "event_reminder", nudge=False)
        elapsed = time.perf_counter() - started
        async with db.session() as session:
            rows = (await session.execute(select(OutboxMessage.member_id, OutboxMessage.nudge,
                                                 OutboxMessage.next_attempt_at))).all()
        await db.dispose()
    nudges = {i: 0 for i in ids}
    transactional = {i: 0 for i in ids}
    in_quiet = 0
    for member_id, is_nudge, due in rows:
        if is_nudge:
            nudges[member_id] += 1
            in_quiet += is_quiet(due.astimezone(PARIS), config.attention)
        else:
            transactional[member_id] += 1
    budget = config.attention.budget_per_30_days
    n = list(nudges.values())
    t = list(transactional.values())
    return {"members": members, "campaigns": campaigns, "messages": len(rows), "seconds": elapsed,
            "nudges_p50": statistics.median(n), "nudges_p95": percentile(n, 0.95), "nudges_max": max(n),
            "tx_p50": statistics.median(t), "tx_p95": percentile(t, 0.95), "tx_max": max(t),
            "in_quiet": in_quiet, "over_budget": sum(1 for v in n if v > budget), "budget": budget}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 members instead of 2,000")
    parser.add_argument("--members", type=int)
    args = parser.parse_args()
    members = args.members or (200 if args.quick else 2000)
    f = asyncio.run(simulate(members))
    assert f["messages"] > 0 and f["campaigns"] > 0, "the simulated month wrote nothing: nothing was measured"
    print(f"simulated month: {f['members']} members, {f['campaigns']} campaigns, {f['messages']} messages written, "
          f"{f['seconds']:.1f} s")
    print(f"{'per member':<22}{'p50':>6}{'p95':>6}{'max':>6}")
    print(f"{'nudges':<22}{f['nudges_p50']:>6.0f}{f['nudges_p95']:>6.0f}{f['nudges_max']:>6}")
    print(f"{'transactional':<22}{f['tx_p50']:>6.0f}{f['tx_p95']:>6.0f}{f['tx_max']:>6}")
    print(f"nudges due in quiet hours: {f['in_quiet']}  members over the budget of {f['budget']}: {f['over_budget']}")
    ok = f["nudges_p95"] <= f["budget"] and f["in_quiet"] == 0 and f["over_budget"] == 0
    print(f"target (p95 <= {f['budget']}, 0 in quiet hours, 0 over budget): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
