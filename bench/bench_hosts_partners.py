"""Benchmark: the hosts' network and the partners on a network of 5,000 members, 30 venues, 60 hosts.

Targets (issue 14): the weekly pulse for every host in under 5 s; /suggestions for one venue
p95 under 500 ms; posting an opportunity (targeting and its up to 40 proposals, each through the outbox rules) under 2 s; and the
light-touch figures over 30 simulated days of weekly pulses and 20 opportunities: no member over
the attention budget, no host over one pulse a week. Run:
``python -m bench.bench_hosts_partners [--members 5000] [--quick]``; prints a table.

The network: members spread over the venues with a long tail of sizes, 2 offered skills and 1
need each (popularity follows a power law over 60 taxonomy skills), 70 % opted in to
introductions; 4 evening events per venue in the coming month, titles from a small list so that
similar evenings exist.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_hosts_partners.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import DatabaseConfig, parse_config  # noqa: E402
from bot.hosts.pulse import send_pulses  # noqa: E402
from bot.hosts.suggestions import suggestions_for  # noqa: E402
from bot.partners.opportunities import view_of  # noqa: E402
from bot.partners.targeting import propose  # noqa: E402
from storage.models import Identity, Member, MemberSkill, OutboxMessage, Role, Skill, Venue  # noqa: E402
from storage.models.events import Event, EventVenue  # noqa: E402
from storage.models.hosts_partners import HostPulse, Opportunity  # noqa: E402

NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)  # a Wednesday, 10h in Paris
VENUES, HOSTS_PER_VENUE, EVENTS_PER_VENUE, OPPORTUNITIES = 30, 2, 4, 20
TARGET_PULSE_S, TARGET_SUGGEST_P95_MS, TARGET_POST_S = 5.0, 500.0, 2.0
TITLES = ["Atelier impression 3D", "Repair café", "Apéro réseau", "Atelier couture", "Soirée jeux",
          "Initiation soudure", "Café des entrepreneurs"]


def _config(url: str):
    config = parse_config('[network]\nname = "Bench"\ntimezone = "Europe/Paris"\n', environ={})
    return dataclasses.replace(config, database=DatabaseConfig(url=url))


async def populate(app, members: int, rng: random.Random) -> tuple[list[int], list[int]]:
    """The synthetic network; returns (venue ids, skill ids by popularity)."""
    async with app.db.session() as session:
        skills = list((await session.execute(select(Skill.id).where(Skill.custom.is_(False))
                                             .order_by(Skill.id).limit(60))).scalars())
        await session.execute(insert(Venue), [dict(
            slug=f"v{n}", name=f"Lieu {n}", kind="coworking", city="Nantes" if n % 3 else f"Ville {n}",
            latitude=47.2 + rng.random() * 0.3, longitude=-1.6 + rng.random() * 0.3, timezone="Europe/Paris",
            description="", join_code=f"code{n:04d}", created_at=NOW) for n in range(VENUES)])
        venues = list((await session.execute(select(Venue.id).order_by(Venue.id))).scalars())
        venue_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(venues))]
        skill_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(skills))]
        homes = rng.choices(venues, venue_weights, k=members)
        await session.execute(insert(Member), [dict(
            display_name=f"Membre {i}", bio="", home_venue_id=homes[i], locale="fr", languages=["fr"],
            visibility="network", intro_opt_in=rng.random() < 0.7, cadence="biweekly",
            consent_at=NOW - timedelta(days=rng.randint(0, 200)), consent_version="bench", created_at=NOW,
            updated_at=NOW) for i in range(members)])
        ids = list((await session.execute(select(Member.id).order_by(Member.id))).scalars())
        await session.execute(insert(Identity), [dict(
            member_id=m, platform="memory", platform_user_id=str(m), display_name=f"Membre {m}", dm_status="open",
            created_at=NOW, last_seen_at=NOW) for m in ids])
        held = []
        for m in ids:
            chosen = set()
            while len(chosen) < 3:
                chosen.add(rng.choices(skills, skill_weights)[0])
            offers, need = list(chosen)[:2], list(chosen)[2]
            held += [dict(member_id=m, skill_id=s, kind="offer", created_at=NOW) for s in offers]
            held.append(dict(member_id=m, skill_id=need, kind="need", created_at=NOW))
        await session.execute(insert(MemberSkill), held)
        by_venue: dict[int, list[int]] = {}
        for m, v in zip(ids, homes):
            by_venue.setdefault(v, []).append(m)
        await session.execute(insert(Role), [dict(member_id=m, role="host", venue_id=v, created_at=NOW)
                                             for v, people in by_venue.items() for m in people[:HOSTS_PER_VENUE]])
        for v in venues:
            for k in range(EVENTS_PER_VENUE):
                start = (NOW + timedelta(days=rng.randint(1, 29))).replace(hour=17, minute=30)
                event = Event(title=rng.choice(TITLES), starts_at=start, ends_at=start + timedelta(hours=2),
                              status="published", venue_id=v, audience=[], source="chat", timezone="Europe/Paris")
                event.venues = [EventVenue(venue_id=v, position=0)]
                session.add(event)
    return venues, skills


async def run(members: int) -> list[tuple[str, str, str]]:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(NOW)
        app = await build_app(_config(f"sqlite+aiosqlite:///{folder}/bench.sqlite"), clock=clock)
        try:
            venues, skills = await populate(app, members, rng)
            # 1. the weekly pulse for every host
            started = time.perf_counter()
            async with app.db.session() as session:
                pulses = await send_pulses(session, app.config, clock.now())
            pulse_s = time.perf_counter() - started
            # 2. /suggestions for each venue
            suggest_ms, found = [], 0
            for venue_id in venues:
                started = time.perf_counter()
                async with app.db.session() as session:
                    venue = await session.get(Venue, venue_id)
                    found += len(await suggestions_for(session, app.config, venue, clock.now()))
                suggest_ms.append((time.perf_counter() - started) * 1000)
            # 3. opportunities over 30 days, with weekly pulses: the light-touch figures
            post_s, proposed = [], 0
            for n in range(OPPORTUNITIES):
                clock.advance(hours=36)
                if n and n % 5 == 0:
                    async with app.db.session() as session:
                        pulses += await send_pulses(session, app.config, clock.now())
                started = time.perf_counter()
                async with app.db.session() as session:
                    row = Opportunity(kind="internship", title=f"Offre {n}", description="", skill_ids=rng.sample(
                        skills[:20], 2), audience=[], place="", closes_at=clock.now() + timedelta(days=20),
                        status="open", proposed_count=0, created_at=clock.now())
                    session.add(row)
                    await session.flush()
                    proposed += await propose(session, app.config, row, await view_of(session, row, "Europe/Paris"),
                                              clock.now())
                post_s.append(time.perf_counter() - started)
            async with app.db.session() as session:
                per_member = list((await session.execute(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.nudge.is_(True), OutboxMessage.member_id.is_not(None))
                    .group_by(OutboxMessage.member_id))).scalars())
                weekly = list((await session.execute(select(func.count()).select_from(HostPulse)
                                                     .group_by(HostPulse.member_id, HostPulse.week))).scalars())
                per_host = list((await session.execute(select(func.count()).select_from(HostPulse)
                                                       .group_by(HostPulse.member_id))).scalars())
        finally:
            await app.close()
    assert pulses > 0 and found > 0 and proposed > 0, "the benchmark measured no work"
    budget = app.config.attention.budget_per_30_days
    p95 = sorted(suggest_ms)[int(0.95 * (len(suggest_ms) - 1))]
    return [
        ("weekly pulse, every host", f"{pulse_s:.2f} s", f"{HOSTS_PER_VENUE * VENUES} hosts, first week's pulses",
         _ok(pulse_s < TARGET_PULSE_S, f"< {TARGET_PULSE_S:.0f} s")),
        ("/suggestions p50 / p95", f"{statistics.median(suggest_ms):.0f} / {p95:.0f} ms",
         f"{found} suggestions for {len(venues)} venues", _ok(p95 < TARGET_SUGGEST_P95_MS, "p95 < 500 ms")),
        ("posting an opportunity p50 / max", f"{statistics.median(post_s) * 1000:.0f} / {max(post_s) * 1000:.0f} ms",
         f"{proposed} proposals for {OPPORTUNITIES} posts (cap {app.config.partners.max_proposals} each)",
         _ok(max(post_s) < TARGET_POST_S, "< 2 s")),
        ("nudges per member in 30 days, max / mean", f"{max(per_member)} / {statistics.mean(per_member):.2f}",
         f"{len(per_member)} members reached; budget {budget}", _ok(max(per_member) <= budget, "≤ budget")),
        ("pulses per host per week, max", f"{max(weekly)}", f"{pulses} pulses; per host over the month: max {max(per_host)}",
         _ok(max(weekly) <= 1, "≤ 1")),
    ]


def _ok(good: bool, target: str) -> str:
    return f"{'OK' if good else 'OVER'} (target {target})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the hosts' network and the partners.")
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="800 members: a smoke run")
    args = parser.parse_args(argv)
    table = asyncio.run(run(800 if args.quick else args.members))
    width = max(len(row[0]) for row in table)
    print(f"{'measure':<{width}}  value")
    for name, value, detail, verdict in table:
        print(f"{name:<{width}}  {value}  [{detail}]  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
