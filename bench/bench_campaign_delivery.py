"""Benchmark: a campaign to 20,000 members delivered through the real outbox dispatcher and the
Telegram adapter, with the campaign writer and the dispatcher both killed halfway.

1. The campaign is written to the outbox by the real sending (`bot.campaigns.sending`), batch by
   batch; the writer "dies" after a third of the batches, and a new one resumes from the database.
2. The real dispatcher delivers through the real Telegram adapter and pace limiter to a fake Bot
   API (time simulated as in bench_telegram_broadcast: the limiter's sleeps move a clock). Halfway,
   that dispatcher dies with a batch claimed but not sent; a new dispatcher (another worker id)
   takes the abandoned claims over once their lease runs out, and finishes.

Targets (issue 11): every member once (0 duplicates, 0 lost), never more than 30 messages in any
second, and the sending time within 5 % of what 30 messages/s allows (the restart's lease wait is
shown apart: it is how long a dead process's claims are kept before another one takes them over).

Run: `.venv/bin/python -m bench.bench_campaign_delivery [--quick] [--members N]`; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from datetime import timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from adapters.telegram.adapter import TelegramAdapter  # noqa: E402
from adapters.telegram.limits import ThroughputLimiter  # noqa: E402
from bench.bench_telegram_broadcast import START, TOKEN, FakeBotApi, SimulatedTime, max_in_window  # noqa: E402
from bot.campaigns.sending import deliver_due, send_batch, start_due  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import DatabaseConfig, OutboxConfig, TelegramConfig, parse_config  # noqa: E402
from bot.outbox.dispatcher import OutboxDispatcher  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Identity, Member, OutboxMessage  # noqa: E402
from storage.models.campaigns import Campaign, CampaignRecipient  # noqa: E402

CONFIG = """
[network]
name = "Bench"
timezone = "Europe/Paris"
"""


def telegram(time_source: SimulatedTime, api: FakeBotApi) -> TelegramAdapter:
    config = TelegramConfig(set_commands=False)
    object.__setattr__(config, "token", TOKEN)  # as the config loader does from the environment
    limiter = ThroughputLimiter(global_per_second=config.global_per_second, private_per_second=config.private_per_second,
                                private_burst=config.private_burst, group_per_minute=config.group_per_minute,
                                clock=time_source)
    return TelegramAdapter(config, request=api, limiter=limiter)


async def counts(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return dict((await session.execute(select(OutboxMessage.status, func.count())
                                           .group_by(OutboxMessage.status))).all())


async def drain_until(dispatcher: OutboxDispatcher, db: Database, clock: ManualClock, *, stop_after: int | None = None,
                      api: FakeBotApi) -> None:
    """Deliver until nothing is pending (or `stop_after` messages went); moves time over waits."""
    for _ in range(1_000_000):
        if stop_after is not None and len(api.sent) >= stop_after:
            return
        handled = await dispatcher.run_once()
        if handled:
            continue
        rows = await counts(db)
        if not rows.get("pending") and not rows.get("claimed"):
            return
        async with db.session() as session:
            due = (await session.execute(select(func.min(OutboxMessage.next_attempt_at))
                                         .where(OutboxMessage.status == "pending"))).scalar()
        target = max(clock.now(), due.astimezone(timezone.utc)) if due is not None else clock.now()
        clock.set(target + timedelta(milliseconds=50))


async def run(members: int, batch: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/delivery.sqlite"
        config = parse_config(CONFIG, environ={})
        config = dataclasses.replace(config, database=DatabaseConfig(url=url),
                                     campaigns=dataclasses.replace(config.campaigns, batch_size=batch))
        db = Database(url)
        await upgrade(db)
        async with db.session() as session:
            await session.execute(insert(Member), [dict(
                display_name=f"M{n}", bio="", locale="fr", languages=["fr"], visibility="network", intro_opt_in=False,
                cadence="biweekly", consent_at=START - timedelta(days=30), consent_version="bench", created_at=START,
                updated_at=START) for n in range(members)])
            ids = list((await session.execute(select(Member.id).order_by(Member.id))).scalars())
            await session.execute(insert(Identity), [dict(
                member_id=i, platform="telegram", platform_user_id=str(100_000 + i), display_name=f"M{i}", locale="fr",
                dm_status="open", created_at=START, last_seen_at=START) for i in ids])
            session.add(Campaign(author_platform="telegram", author_user_id="1", status="scheduled",
                                 text_fr="Portes ouvertes samedi !", text_en="", poll=["Je viens", "Non"],
                                 interested=False, audience={}, send_at=START, spread_minutes=0, occurrence=0,
                                 created_at=START))
        # 1. Writing, killed after a third of the batches, then resumed by a fresh writer.
        started = time.perf_counter()
        [campaign_id] = await start_due(db, START)
        for _ in range(max(1, members // batch // 3)):
            await send_batch(db, config, campaign_id, START)
        await deliver_due(db, config, START)
        write_seconds = time.perf_counter() - started
        # 2. Delivering, the dispatcher killed with a batch claimed, then a new one.
        clock = ManualClock(START)
        time_source = SimulatedTime(clock)
        api = FakeBotApi(time_source)
        adapter = telegram(time_source, api)
        await adapter.application.bot.initialize()
        outbox = OutboxConfig()
        first = OutboxDispatcher(db, {"telegram": adapter}, outbox, clock, worker_id="first")
        started = time.perf_counter()
        await drain_until(first, db, clock, stop_after=members // 2, api=api)
        await first._claim()  # claims a batch, then the process dies before sending any of it
        died_at = time_source.monotonic()
        second = OutboxDispatcher(db, {"telegram": adapter}, outbox, clock, worker_id="second")
        await drain_until(second, db, clock, api=api)
        deliver_seconds = time.perf_counter() - started
        await adapter.application.bot.shutdown()
        statuses = await counts(db)
        async with db.session() as session:
            recipients = (await session.execute(select(func.count()).select_from(CampaignRecipient))).scalar_one()
        await db.dispose()
    times = [at for at, _, _ in api.sent]
    chats = [chat for _, chat, _ in api.sent]
    # The abandoned batch waits for its lease while the new dispatcher sends the rest: the restart
    # shows as the longest pause between two sends (after died_at), counted apart.
    gaps = [b - a for a, b in zip(times, times[1:]) if a >= died_at - 1e-9]
    resumed_gap = max(gaps, default=0.0) if gaps and max(gaps) > 1.0 else 0.0
    sending_span = (times[-1] - times[0]) - resumed_gap + (1 / 30 if resumed_gap else 0.0)
    ideal = (len(times) - 1) / 30.0
    return {"members": members, "recipients": recipients, "delivered": len(times), "distinct": len(set(chats)),
            "duplicates": len(chats) - len(set(chats)), "lost": members - len(set(chats)),
            "max_in_any_second": max_in_window(times), "sending_s": sending_span, "ideal_s": ideal,
            "overhead": sending_span / ideal - 1 if ideal else 0.0, "restart_gap_s": resumed_gap,
            "write_s": write_seconds, "deliver_wall_s": deliver_seconds, "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 members instead of 20,000")
    parser.add_argument("--members", type=int)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    members = args.members or (2000 if args.quick else 20_000)
    f = asyncio.run(run(members, args.batch))
    assert f["delivered"] > 0, "nothing was delivered: nothing was measured"
    print(f"{'members':>8}{'written':>9}{'sent':>7}{'dupes':>7}{'lost':>6}{'max/1s':>8}{'send s':>9}{'30/s s':>9}"
          f"{'over':>7}{'restart s':>11}{'write wall s':>14}{'send wall s':>13}")
    print(f"{f['members']:>8}{f['recipients']:>9}{f['delivered']:>7}{f['duplicates']:>7}{f['lost']:>6}"
          f"{f['max_in_any_second']:>8}{f['sending_s']:>9.1f}{f['ideal_s']:>9.1f}{f['overhead']:>7.1%}"
          f"{f['restart_gap_s']:>11.1f}{f['write_s']:>14.1f}{f['deliver_wall_s']:>13.1f}")
    print(f"outbox statuses: {f['statuses']}")
    ok = f["duplicates"] == 0 and f["lost"] == 0 and f["max_in_any_second"] <= 30 and f["overhead"] <= 0.05
    print(f"target (0 duplicates, 0 lost, <= 30 in any second, within 5 % of 30/s): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
