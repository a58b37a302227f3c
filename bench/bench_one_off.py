"""Benchmark: a one-off "introduce me this time" (issue 17), as a member's press runs it.

Each call reads the round's candidate pool at this moment (the whole network: eligibility, pace,
budget, skills), the history, scores this member against every candidate with the engine's
scoring, and writes the introduction and both proposals in a savepoint. Run:
``python -m bench.bench_one_off [--members 500 10000] [--quick]``; prints one table (wall seconds
per call: median and worst of `CALLS`, each in its own transaction, as a chat press).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_one_off.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_match_e2e import config_text, populate  # noqa: E402
from bench.guard import require  # noqa: E402

CALLS = 7
NOW = datetime(2026, 12, 2, 10, tzinfo=timezone.utc)  # a Wednesday, working hours in Paris


async def measure(url: str, members: int) -> tuple[list[float], int]:
    from bot.config import parse_config
    from bot.matchmaking.one_off import introduce_now
    from storage.db import Database
    from storage.models import Member

    config = parse_config(config_text(url), environ={})
    db = Database(url)
    walls, sent = [], 0
    try:
        step = max(members // CALLS, 1)
        for member_id in range(1, members + 1, step)[:CALLS]:
            started = time.perf_counter()
            async with db.session() as session:
                member = await session.get(Member, member_id)
                outcome = await introduce_now(session, config, member, NOW)
            walls.append(time.perf_counter() - started)
            sent += outcome.kind == "sent"
    finally:
        await db.dispose()
    return walls, sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[500, 10_000])
    parser.add_argument("--quick", action="store_true", help="500 members only: a smoke run")
    args = parser.parse_args(argv)
    sizes = [500] if args.quick else args.members
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            url = f"sqlite+aiosqlite:///{tmp}/one-off-{n}.sqlite"
            asyncio.run(populate(url, n))
            walls, sent = asyncio.run(measure(url, n))
            require(sent, f"one-off introductions sent at {n} members", CALLS // 2)
            rows.append((n, len(walls), sent, f"{statistics.median(walls):.2f}", f"{max(walls):.2f}"))
    header = ("members", "calls", "sent", "median s", "worst s")
    cells = [list(header)] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(header))]
    print(f"\nOne-off introduction per press on SQLite, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        if k == 0:
            print("  ".join("-" * width for width in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
