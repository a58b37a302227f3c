"""Benchmark: /find on a network of 50,000 members with 5 offered skills each, on SQLite.

Target (issue 3): p95 under 20 ms, visibility filtering included. Run:
``python -m bench.bench_find [--members 50000] [--queries 400] [--quick]``; prints a table.

The network: 30 venues with a long tail of sizes; members 40% visible to the network, 30% to their
venue, 30% private; a fifth attend a second venue; each offers 5 taxonomy skills (popularity
follows a power law, so "comptabilité" matches thousands) plus one interest and one need, and has a
short bio. Queries mix French and English, typos, categories and bio words.

Rows measured:
* index build: loading every listed profile from SQLite and indexing it (first /find after a start);
* search path: index look-up, ranking, the page's visibility re-check in the database, rendering
  data (what the handler does minus the core's bookkeeping);
* /find end to end: `BotCore.handle` of a CommandInvoked, as an adapter calls it (identity, access
  rules, transaction and commit included);
* SQL statements per /find: every statement the engine sends during one end-to-end /find;
* core baseline: the same for /confidentialite, which does no directory work: what every command
  pays on this machine before a feature runs (a load average is printed: the machine may be shared).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_find.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, select  # noqa: E402

from bench.guard import require  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import DatabaseConfig, parse_config  # noqa: E402
from bot.directory.service import Directory  # noqa: E402
from bot.directory.visibility import viewer_venues, visible_members  # noqa: E402
from bot.directory.index import Viewer  # noqa: E402
from bot.skills.normalize import normalize, tokens  # noqa: E402
from bot.types import ChatKind, ChatRef, CommandInvoked, UserRef  # noqa: E402
from storage.models import Identity, Member, MemberSkill, MemberVenue, Skill, Venue  # noqa: E402

NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
TARGET_P95_MS = 20.0
QUERIES = [
    "impresion 3d", "3D printing", "comptabilitée", "accounting", "web dev", "développement web", "menuiserie",
    "woodworking", "graphisme", "graphic design", "design", "anglais", "soudure", "welding", "permaculture",
    "photographie", "levée de fonds", "fundraising", "vélo", "couture", "sewing", "juridique", "marketing",
    "atelier partagé", "réparation", "facilitation", "data", "communication", "électronique", "arduino",
]
FILLER = ("passionné atelier projets partage communauté tiers-lieu réseau apprendre transmettre accompagne "
          "entrepreneurs associations collectif quartier local durable réemploi créatif curieux bricoleur "
          "freelance indépendant depuis ans aime aider").split()


def _config(url: str):
    config = parse_config('[network]\nname = "Bench"\ntimezone = "Europe/Paris"\n', environ={})
    import dataclasses

    return dataclasses.replace(config, database=DatabaseConfig(url=url))


async def populate(app, members: int, rng: random.Random) -> list[str]:
    """Write the synthetic network; returns the platform ids of searchers."""
    async with app.db.session() as session:
        skills = list((await session.execute(select(Skill.id, Skill.label_fr).where(Skill.custom.is_(False)))).all())
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(skills))]
        venue_rows = [dict(slug=f"v{n}", name=f"Lieu {n}", kind=rng.choice(["coworking", "fablab", "tiers-lieu"]),
                           city="Ville", timezone="Europe/Paris", description="", join_code=f"code{n:04d}",
                           created_at=NOW) for n in range(30)]
        await session.execute(insert(Venue), venue_rows)
        venue_ids = list((await session.execute(select(Venue.id))).scalars())
        venue_weights = [1 / (rank + 1) for rank in range(len(venue_ids))]
        words = [w for _, label in skills for w in tokens(label)] + FILLER
        rows, links, attends = [], [], []
        for member_id in range(1, members + 1):
            visibility = rng.choices(["network", "venue", "private"], [4, 3, 3])[0]
            home = rng.choices(venue_ids, venue_weights)[0]
            bio = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18))).capitalize()
            rows.append(dict(id=member_id, display_name=f"Membre {member_id}", bio=bio, home_venue_id=home,
                             locale="fr", languages=["fr"], visibility=visibility, intro_opt_in=rng.random() < 0.6,
                             cadence="biweekly", consent_at=NOW, created_at=NOW, updated_at=NOW))
            picked = set()
            while len(picked) < 7:
                picked.add(rng.choices(skills, weights)[0][0])
            picked = list(picked)
            for n, skill_id in enumerate(picked):
                kind = "offer" if n < 5 else ("interest" if n == 5 else "need")
                links.append(dict(member_id=member_id, skill_id=skill_id, kind=kind, created_at=NOW))
            if rng.random() < 0.2:
                other = rng.choice(venue_ids)
                if other != home:
                    attends.append(dict(member_id=member_id, venue_id=other))
        for table, data in ((Member, rows), (MemberSkill, links), (MemberVenue, attends)):
            for start in range(0, len(data), 5000):
                await session.execute(insert(table), data[start:start + 5000])
        searchers = rng.sample(range(1, members + 1), 200)
        await session.execute(insert(Identity), [
            dict(member_id=m, platform="bench", platform_user_id=f"u{m}", display_name=f"Membre {m}",
                 dm_status="open", created_at=NOW, last_seen_at=NOW) for m in searchers])
    return [f"u{m}" for m in searchers]


class _Counter:
    """Counts the SQL statements the engine sends until `pop`."""

    def __init__(self, app) -> None:
        self.engine = app.db.engine.sync_engine
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def pop(self) -> int:
        event.remove(self.engine, "before_cursor_execute", self._seen)
        return self.count


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run(members: int, queries: int, seed: int = 7) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite"
        app = await build_app(_config(url), clock=ManualClock(NOW))
        try:
            started = time.perf_counter()
            searchers = await populate(app, members, rng)
            populate_s = time.perf_counter() - started
            builds = []
            for _ in range(3):
                directory = Directory(app.core.directory.feed)
                async with app.db.session() as session:
                    started = time.perf_counter()
                    index, skill_map = await directory.current(session)
                    builds.append((time.perf_counter() - started) * 1000)
            search_ms, hits = [], []
            for n in range(queries):
                query = normalize(QUERIES[n % len(QUERIES)])
                async with app.db.session() as session:
                    member = await session.get(Member, int(searchers[n % len(searchers)][1:]))
                    started = time.perf_counter()
                    index, skill_map = await directory.current(session)
                    venues = await viewer_venues(session, member)
                    ranking = index.search(skill_map.resolve(directory.resolver.search_ids(query)), tokens(query),
                                           Viewer(member.id, venues))
                    page = ranking.page(0, 5)
                    await visible_members(session, member, [hit.member_id for hit in page], venues)
                    search_ms.append((time.perf_counter() - started) * 1000)
                    hits.append(ranking.total)
            core = app.core
            end_to_end = []
            warm_up = UserRef("bench", searchers[0], "Membre", language="fr")  # builds the core's own index
            await core.handle(CommandInvoked(warm_up, ChatRef("bench", warm_up.user_id, ChatKind.PRIVATE), "chercher", "x"))
            statements = _Counter(app)
            for n in range(queries):
                user = UserRef("bench", searchers[n % len(searchers)], "Membre", language="fr")
                event = CommandInvoked(user, ChatRef("bench", user.user_id, ChatKind.PRIVATE), "chercher",
                                       QUERIES[n % len(QUERIES)])
                started = time.perf_counter()
                replies = await core.handle(event)
                end_to_end.append((time.perf_counter() - started) * 1000)
                assert replies and "Oups" not in replies[0].text, replies
            find_statements = statements.pop() / queries
            baseline = []  # the core's own cost per event (identity, transaction), with a trivial command
            for n in range(queries):
                user = UserRef("bench", searchers[n % len(searchers)], "Membre", language="fr")
                started = time.perf_counter()
                await core.handle(CommandInvoked(user, ChatRef("bench", user.user_id, ChatKind.PRIVATE),
                                                 "confidentialite", ""))
                baseline.append((time.perf_counter() - started) * 1000)
        finally:
            await app.close()
    # Listing needs consent: a populate step that forgot it measured an empty directory (issue 20).
    require(len(index), "listed profiles in the directory index", members // 10)
    require(statistics.median(hits), "median matches per query")
    return [
        ("machine load average (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", "", ""),
        ("network", f"{members:,} members, 5 offers + 1 interest + 1 need each", "", ""),
        ("populate (not timed by the target)", f"{populate_s:.1f} s", "", ""),
        ("index build (full, from SQLite)", f"{statistics.median(builds):.0f} ms median of 3",
         f"{len(index):,} listed profiles", ""),
        ("search path p50 / p95", f"{_percentile(search_ms, 0.5):.1f} / {_percentile(search_ms, 0.95):.1f} ms",
         f"median {statistics.median(hits):,.0f} matches", _verdict(_percentile(search_ms, 0.95))),
        ("/find end to end p50 / p95", f"{_percentile(end_to_end, 0.5):.1f} / {_percentile(end_to_end, 0.95):.1f} ms",
         f"{queries} queries, {len(QUERIES)} distinct", _verdict(_percentile(end_to_end, 0.95))),
        ("SQL statements per /find (core included)", f"{find_statements:.1f}", "", ""),
        ("core baseline (/confidentialite) p50 / p95",
         f"{_percentile(baseline, 0.5):.1f} / {_percentile(baseline, 0.95):.1f} ms", "no directory work", ""),
    ]


def _verdict(p95: float) -> str:
    return f"{'OK' if p95 < TARGET_P95_MS else 'OVER'} (target p95 < {TARGET_P95_MS:.0f} ms)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark /find (the member directory).")
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="5,000 members and 100 queries: a smoke run")
    args = parser.parse_args(argv)
    members, queries = (5_000, 100) if args.quick else (args.members, args.queries)
    table = asyncio.run(run(members, queries))
    width = max(len(row[0]) for row in table)
    print(f"{'measure':<{width}}  value")
    for name, value, detail, verdict in table:
        print(f"{name:<{width}}  {value}" + (f"  [{detail}]" if detail else "") + (f"  {verdict}" if verdict else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
