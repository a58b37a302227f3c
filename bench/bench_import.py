"""Benchmark: `maillage import members` of a large membership list, parse + check + write.

Target (issue 15): 10,000 members in under 60 s, 50,000 in under 5 minutes, on this 2-core machine.
Run: ``python -m bench.bench_import [--members 10000 50000] [--quick]`` (or the file); prints a
table per size and database. PostgreSQL is measured too when MAILLAGE_TEST_DATABASE_URL is set.

The file looks like a real export: each member has 2-6 skills typed as people type them (the
taxonomy's labels and synonyms, some in lower case, some misspelt), about one in ten of them
unknown to the taxonomy (custom skills, many shared), identities for a third, consent for half.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_import.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.config import parse_config  # noqa: E402
from bot.imports.members import check, parse, write  # noqa: E402
from bot.reference_data import sync_reference_data  # noqa: E402
from bot.skills.taxonomy import load_taxonomy  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Member, MemberSkill, utcnow  # noqa: E402

VENUES = 30
CONFIG = '[network]\nname = "Bench"\n' + "".join(
    f'[[venues]]\nslug = "lieu-{n}"\nname = "Lieu {n}"\nkind = "tiers-lieu"\n' for n in range(VENUES))
COLUMNS = ("name", "venue", "offers", "needs", "interests", "languages", "visibility", "introductions", "cadence",
           "identities", "consent")


def _typed(rng: random.Random, labels: list[str]) -> str:
    text = rng.choice(labels)
    roll = rng.random()
    if roll < 0.3:
        text = text.lower()
    elif roll < 0.4 and len(text) > 6:  # a typo: one letter dropped
        i = rng.randrange(1, len(text) - 1)
        text = text[:i] + text[i + 1:]
    return text


def members_csv(count: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    labels = []
    for skill in load_taxonomy():
        labels += [skill.label_fr, skill.label_en]
    customs = [f"savoir-faire local {n}" for n in range(200)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(count):
        def skills(k: int) -> str:
            return ";".join(rng.choice(customs) if rng.random() < 0.1 else _typed(rng, labels) for _ in range(k))

        identity = f"telegram:{10_000_000 + n}" if rng.random() < 0.33 else ""
        consent = "2026-03-15" if rng.random() < 0.5 else ""
        writer.writerow([f"Membre {n}", f"lieu-{rng.randrange(VENUES)}", skills(rng.randint(1, 3)),
                         skills(rng.randint(0, 2)), skills(rng.randint(0, 1)), rng.choice(["fr", "fr;en", "en"]),
                         rng.choice(["private", "venue", "network"]), rng.choice(["oui", "non"]), "biweekly",
                         identity, consent])
    return out.getvalue()


async def measure(url: str, count: int) -> dict[str, float]:
    text = members_csv(count)
    db = Database(url)
    await upgrade(db)
    await sync_reference_data(db, parse_config(CONFIG, environ={}))
    started = time.perf_counter()
    cpu = time.process_time()
    rows, problems = parse(text)
    parsed = time.perf_counter()
    async with db.session() as session:
        plan = await check(session, rows, problems)
        assert not plan.problems, plan.problems[:5]
        checked = time.perf_counter()
        await write(session, plan, utcnow(), consent_source="bench")
    written = time.perf_counter()
    async with db.session() as session:
        members = (await session.execute(select(func.count()).select_from(Member))).scalar_one()
        links = (await session.execute(select(func.count()).select_from(MemberSkill))).scalar_one()
    await db.dispose()
    assert members == count and links > count, (members, links)  # it measured real work
    return {"parse": parsed - started, "check": checked - parsed, "write": written - checked,
            "total": written - started, "cpu": time.process_time() - cpu, "links": links}


async def run(sizes: list[int]) -> None:
    databases = [("sqlite", None)]
    if os.environ.get("MAILLAGE_TEST_DATABASE_URL"):
        databases.append(("postgresql", os.environ["MAILLAGE_TEST_DATABASE_URL"]))
    print(f"{'database':<11}{'members':>9}{'skill links':>13}{'parse s':>9}{'check s':>9}{'write s':>9}"
          f"{'total s':>9}{'cpu s':>8}{'members/s':>11}  target")
    for name, base in databases:
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                if base is None:
                    url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite"
                    figures = await measure(url, size)
                else:
                    from storage.scratch import create_scratch, drop_scratch

                    url = await create_scratch(base, "maillage_bench_import")
                    try:
                        figures = await measure(url, size)
                    finally:
                        await drop_scratch(base, url)
            target = 60 * size / 10_000
            verdict = "ok" if figures["total"] < target else "SLOW"
            print(f"{name:<11}{size:>9}{int(figures['links']):>13}{figures['parse']:>9.1f}{figures['check']:>9.1f}"
                  f"{figures['write']:>9.1f}{figures['total']:>9.1f}{figures['cpu']:>8.1f}"
                  f"{size / figures['total']:>11.0f}  < {target:.0f} s {verdict}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--quick", action="store_true", help="1,000 members only")
    args = parser.parse_args()
    asyncio.run(run([1000] if args.quick else args.members))
    return 0


if __name__ == "__main__":
    sys.exit(main())
