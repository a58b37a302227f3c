"""Benchmark: the network's report over a year of a 10,000-member network, from synthesised aggregates.

Target (issue 13): the whole report (both periods read, the document built, HTML rendered) in under
5 s. Run: ``python -m bench.bench_report [--members 10000] [--quick]``; prints a table.

The network: 20 venues of the Loire estuary and around (3 partners), 10,000 members joining over
two years (the year reported and the year before it, for the comparison), each offering 3 and
needing 1 taxonomy skill (power law); about 4 events a day with RSVPs, a matchmaking round every
other week, nudges and replies. Only the anonymous aggregates are written, as the nightly job
would have left them (flows per day, carried stocks, closed days): the report never reads
personal rows for closed days, so they do not change what is measured.

Rows measured: writing the aggregates (set-up, for scale), reading both periods' totals, building
the document, rendering HTML, CSV and JSON, and the whole `build_report` + HTML, best of 3.

A second measure writes the same number of members as live rows (4 skills each, 1,500 events with
15 RSVPs each, over the last year) and times the first aggregation run, which back-fills the year
once (what the nightly job does at its first start, or the first /forget before it).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_report.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import DatabaseConfig, parse_config  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.report.days import Period, days_between  # noqa: E402
from bot.report.export import render  # noqa: E402
from bot.report.figures import totals  # noqa: E402
from bot.report.service import build_report  # noqa: E402
from bot.report.aggregate import close_days  # noqa: E402
from storage.models import Identity, Member, MemberSkill, Skill, Venue  # noqa: E402
from storage.models.events import Event, EventVenue, Rsvp  # noqa: E402
from storage.models.report import NETWORK, ReportCarried, ReportDaily, ReportDay  # noqa: E402

NOW = datetime(2026, 12, 3, 9, tzinfo=timezone.utc)
PERIOD = Period(date(2025, 12, 1), date(2026, 11, 30))
TARGET_S = 5.0
VENUES = [  # slug, name, kind, partner kind, latitude, longitude
    ("hangar", "Le Hangar", "coworking", None, 47.2065, -1.5632),
    ("fabrique", "La Fabrique", "fablab", None, 47.2735, -2.2138),
    ("moulin", "Le Moulin", "tiers-lieu", None, 47.0870, -1.2800),
    ("ruche", "La Ruche", "coworking", None, 47.2184, -1.5536),
    ("atelier-bleu", "L'Atelier bleu", "fablab", None, 47.4784, -0.5632),
    ("grange", "La Grange", "tiers-lieu", None, 47.6582, -2.7608),
    ("quai", "Le Quai", "coworking", None, 47.1667, -1.9667),
    ("forge", "La Forge", "fablab", None, 46.6705, -1.4260),
    ("serre", "La Serre", "tiers-lieu", None, 47.3900, -1.1800),
    ("phare", "Le Phare", "coworking", None, 47.2800, -2.5200),
    ("cabane", "La Cabane", "tiers-lieu", None, 47.0100, -1.9800),
    ("halle", "La Halle", "coworking", None, 47.7500, -1.6800),
    ("usine", "L'Usine", "fablab", None, 47.0600, -0.8800),
    ("chai", "Le Chai", "tiers-lieu", None, 47.1300, -1.4000),
    ("port", "Le Port", "coworking", None, 47.4700, -2.4600),
    ("verger", "Le Verger", "tiers-lieu", None, 47.5600, -1.2500),
    ("relais", "Le Relais", "coworking", None, 46.9700, -1.3100),
    ("universite", "Nantes Université", "partner", "university", 47.2450, -1.5540),
    ("e2c", "École de la 2e chance", "partner", "school", 47.2000, -1.5900),
    ("cci", "Club d'entreprises", "partner", "company", 47.2200, -1.6200),
]


def _config(url: str):
    toml = '[network]\nname = "Réseau de l\'estuaire"\ntimezone = "Europe/Paris"\n'
    for slug, name, kind, partner, lat, lon in VENUES:
        toml += f'[[venues]]\nslug = "{slug}"\nname = "{name}"\nkind = "{kind}"\nlatitude = {lat}\nlongitude = {lon}\n'
        if partner:
            toml += f'partner_kind = "{partner}"\n'
    config = parse_config(toml, environ={})
    return dataclasses.replace(config, database=DatabaseConfig(url=url))


def synthesise(members: int, venue_ids: list[int], skills: list[str], rng: random.Random):
    """Flows per day and carried stocks, as the nightly job would have written them over two years."""
    first = PERIOD.previous().first
    days = days_between(first, PERIOD.last)
    venue_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(venue_ids))]
    skill_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(skills))]
    # Growth: more joins in the recent year (the network is catching on).
    joins = sorted(rng.choices(range(len(days)), weights=[1 + i / len(days) for i in range(len(days))], k=members))
    by_day: dict[int, list[tuple[int, list[str], list[str]]]] = defaultdict(list)
    for d in joins:
        venue = rng.choices(venue_ids, venue_weights)[0]
        by_day[d].append((venue, rng.choices(skills, skill_weights, k=3), rng.choices(skills, skill_weights[::-1], k=1)))
    daily, carried = [], []
    level: Counter = Counter()
    total_members = 0

    def add(counter, metric, venues, n=1, dim=""):
        counter[(metric, NETWORK, dim)] += n
        for v in set(venues):
            counter[(metric, v, dim)] += n

    places = {vid: (lat, lon) for vid, (_, _, _, _, lat, lon) in zip(venue_ids, VENUES)}

    def near_pair(rng: random.Random) -> list[int]:
        """Introductions across venues, more often between neighbours (as people actually meet)."""
        a = rng.choices(venue_ids, venue_weights)[0]
        others = [v for v in venue_ids if v != a]
        weights = [1 / (0.05 + abs(places[a][0] - places[v][0]) + abs(places[a][1] - places[v][1])) ** 2
                   for v in others]
        return [a, rng.choices(others, weights)[0]]

    for i, day in enumerate(days):
        flows: Counter = Counter()
        changed = set()
        for venue, offers, needs in by_day.get(i, []):
            add(flows, "members.new", [venue])
            total_members += 1
            for key in (("members.total", NETWORK, ""), ("members.total", venue, ""),
                        ("members.intros_on", NETWORK, ""), ("members.intros_on", venue, "")):
                level[key] += 1
                changed.add(key)
            for kind, slugs in (("offer", offers), ("need", needs)):
                for slug in set(slugs):
                    for v in (NETWORK, venue):
                        level[(f"skills.{kind}", v, slug)] += 1
                        changed.add((f"skills.{kind}", v, slug))
        active_share = 0.35 + 0.1 * rng.random()
        for v in [NETWORK] + venue_ids:
            key = ("members.active", v, "")
            level[key] = int(level[("members.total", v, "")] * active_share)
            changed.add(key)
        for _ in range(rng.randint(2, 6)):
            hosts = near_pair(rng) if rng.random() < 0.15 else [rng.choices(venue_ids, venue_weights)[0]]
            going, capacity = rng.randint(3, 30), rng.choice([None, 20, 30, 40])
            add(flows, "events.held", hosts[:1])
            for h in hosts:
                flows[("events.hosted", h, "")] += 1
            if len(hosts) > 1:
                add(flows, "events.cohosted", hosts)
                a, b = sorted(hosts)
                flows[("pair.cohost", a, str(b))] += 1
            add(flows, "events.rsvps", hosts[:1], going)
            add(flows, "events.audience", hosts[:1], dim=rng.choice(["students", "entrepreneurs", "everyone"]))
            if capacity:
                add(flows, "events.capacity", hosts[:1], capacity)
                add(flows, "events.capped_going", hosts[:1], min(going, capacity))
            visitors = rng.randint(0, going // 3)
            if visitors:
                add(flows, "events.cross", hosts[:1])
                add(flows, "events.visitors", hosts[:1], visitors)
        if day.weekday() == 0 and day.isocalendar()[1] % 2 == 0:
            for _ in range(int(total_members * 0.03)):
                pair = near_pair(rng) if rng.random() < 0.7 else [rng.choice(venue_ids)] * 2
                add(flows, "intros.proposed", pair)
                if pair[0] != pair[1]:
                    add(flows, "intros.cross", pair)
                    a, b = sorted(pair)
                    flows[("pair.intro", a, str(b))] += 1
                if rng.random() < 0.6:
                    add(flows, "intros.need_offer", pair)
                if rng.random() < 0.55:
                    add(flows, "intros.accepted", pair)
                    if rng.random() < 0.5:
                        add(flows, "intros.met", pair, 2)
        add(flows, "messages.nudge", [], int(total_members * 0.03))
        add(flows, "messages.transactional", [], int(total_members * 0.02))
        if rng.random() < 0.1:
            add(flows, "members.forgotten", [rng.choice(venue_ids)])
        daily += [{"day": day, "metric": m, "venue_id": v, "dim": d, "count": n} for (m, v, d), n in flows.items()]
        carried += [{"day": day, "metric": m, "venue_id": v, "dim": d, "count": level[(m, v, d)]}
                    for (m, v, d) in changed]
    return daily, carried, days


async def write(app, rows, model) -> None:
    async with app.db.session() as session:
        for start in range(0, len(rows), 20000):
            await session.execute(insert(model), rows[start:start + 20000])


async def live_year(app, members: int, rng: random.Random, now: datetime, skills_each: int = 0) -> int:
    """A year of live rows before `now`: members joining all year (with `skills_each` skills), 1,500
    events with 15 RSVPs each, identities last seen within 90 days; returns the RSVPs written."""
    async with app.db.session() as session:
        venues = list((await session.execute(select(Venue.id))).scalars())
        skills = list((await session.execute(select(Skill.id).where(Skill.custom.is_(False)))).scalars())
    start = now - timedelta(days=365)
    people, events, hosts, rsvps = [], [], [], []
    for i in range(members):
        joined = start + timedelta(seconds=rng.randint(0, 365 * 86400))
        people.append(dict(id=i + 1, display_name=f"m{i}", home_venue_id=rng.choice(venues), created_at=joined,
                           updated_at=joined, locale="fr", languages=["fr"], visibility="network",
                           intro_opt_in=True, cadence="biweekly", bio=""))
    for e in range(1500):
        starts, venue = start + timedelta(seconds=rng.randint(0, 365 * 86400)), rng.choice(venues)
        events.append(dict(id=e + 1, title="e", description="", location="", starts_at=starts,
                           ends_at=starts + timedelta(hours=2), timezone="Europe/Paris", all_day=False,
                           capacity=30, going_count=15, status="published", audience=[], venue_id=venue,
                           source="chat", source_uid=str(e), recurrence_id="", sequence=0, created_at=starts,
                           updated_at=starts))
        hosts.append(dict(event_id=e + 1, venue_id=venue, position=0, created_at=starts))
        rsvps += [dict(event_id=e + 1, member_id=m, status="going", queued_at=starts, created_at=starts,
                       updated_at=starts) for m in rng.sample(range(1, members + 1), 15)]
    async with app.db.session() as session:
        await session.execute(insert(Member), people)
        await session.execute(insert(Identity), [dict(
            member_id=p["id"], platform="memory", platform_user_id=str(p["id"]), display_name="",
            dm_status="open", created_at=p["created_at"],
            last_seen_at=now - timedelta(days=rng.randint(0, 90))) for p in people])
        if skills_each:
            await session.execute(insert(MemberSkill), [dict(
                member_id=p["id"], skill_id=skill, kind=rng.choice(["offer", "need"]), created_at=p["created_at"])
                for p in people for skill in rng.sample(skills, skills_each)])
        await session.execute(insert(Event), events)
        await session.execute(insert(EventVenue), hosts)
        await session.execute(insert(Rsvp), rsvps)
    return len(rsvps)


async def backfill(members: int, rng: random.Random) -> tuple[float, int, int]:
    """Live rows over the last year, then the first close_days: (seconds, days closed, RSVPs)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = await build_app(_config(f"sqlite+aiosqlite:///{Path(tmp) / 'live.sqlite'}"), clock=ManualClock(NOW))
        try:
            rsvps = await live_year(app, members, rng, NOW, skills_each=4)
            t0 = time.perf_counter()
            async with app.db.session() as session:
                closed = await close_days(session, app.config, NOW)
            return time.perf_counter() - t0, closed, rsvps
        finally:
            await app.close()


def best_of(runs: int, work):
    async def timed():
        best, result = float("inf"), None
        for _ in range(runs):
            t0 = time.perf_counter()
            result = await work()
            best = min(best, time.perf_counter() - t0)
        return best, result

    return timed()


async def main_async(members: int, html_out: str | None) -> int:
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        app = await build_app(_config(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite'}"), clock=ManualClock(NOW))
        try:
            async with app.db.session() as session:
                venue_ids = list((await session.execute(select(Venue.id).order_by(Venue.id))).scalars())
                skills = list((await session.execute(select(Skill.slug).where(Skill.custom.is_(False))
                                                     .order_by(Skill.slug))).scalars())
            t0 = time.perf_counter()
            daily, carried, days = synthesise(members, venue_ids, skills, rng)
            await write(app, daily, ReportDaily)
            await write(app, carried, ReportCarried)
            await write(app, [{"day": d, "closed_at": NOW} for d in days], ReportDay)
            setup = time.perf_counter() - t0
            config = app.config

            async def read_totals():
                async with app.db.session() as session:
                    return (await totals(session, config, PERIOD, NOW), await totals(session, config, PERIOD.previous(), NOW))

            async def report():
                async with app.db.session() as session:
                    return await build_report(session, config, PERIOD, now=NOW, locale="fr")

            async def whole():
                document = await report()
                return document, render(document, "html", Translator("fr"))

            t_totals, (current, _) = await best_of(3, read_totals)
            t_doc, document = await best_of(3, report)
            t = Translator("fr")
            timings = {}
            for fmt in ("html", "csv", "json"):
                start = time.perf_counter()
                content = render(document, fmt, t)
                timings[fmt] = (time.perf_counter() - start, len(content))
            t_whole, (_, html) = await best_of(3, whole)
            async with app.db.session() as session:
                stored = (await session.execute(select(func.count()).select_from(ReportDaily))).scalar_one()
        finally:
            await app.close()
    assert current.stock("members.total", NETWORK) > 0.4 * members, "the year must count most members"
    assert document["sections"][0]["figures"][0]["cells"][0]["current"]["value"] > 0
    assert html.count(b"<tr") > 50 and b"<svg" in html, "the HTML must hold tables and charts"
    if html_out:
        Path(html_out).write_bytes(html)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"report over {PERIOD.first} - {PERIOD.last} (and the year before), {members:,} members, "
          f"{len(VENUES)} venues; load average {load:.1f}")
    print(f"{'step':<44} {'seconds':>8}  {'detail':<30}")
    print(f"{'write synthesised aggregates (set-up)':<44} {setup:8.2f}  {stored:,} daily + {len(carried):,} carried rows")
    print(f"{'read both periods totals':<44} {t_totals:8.3f}  best of 3")
    print(f"{'build_report (totals + document)':<44} {t_doc:8.3f}  best of 3")
    for fmt, (seconds, size) in timings.items():
        print(f"{'render ' + fmt:<44} {seconds:8.3f}  {size / 1024:,.0f} KiB")
    verdict = "OK" if t_whole < TARGET_S else "SLOW"
    print(f"{'whole report, HTML (target < 5 s)':<44} {t_whole:8.3f}  {verdict}")
    seconds, closed, rsvps = await backfill(members, rng)
    assert closed >= 365, "the back-fill must close the whole year"
    print(f"{'first back-fill from live rows (no target)':<44} {seconds:8.2f}  {closed} days, {rsvps:,} RSVPs")
    return 0 if t_whole < TARGET_S else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10000)
    parser.add_argument("--quick", action="store_true", help="1,000 members")
    parser.add_argument("--html", help="also write the report's HTML here (for a look, or a screenshot)")
    args = parser.parse_args()
    return asyncio.run(main_async(1000 if args.quick else args.members, args.html))


if __name__ == "__main__":
    sys.exit(main())
