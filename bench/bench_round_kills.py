"""Benchmark: a matchmaking round for 2,000 members delivered by `maillage run` processes killed with
SIGKILL 20 times, during the writing and during the delivery (issue 18.1), then started twice more
after the round's time (18.9). Real processes, SQLite, the Telegram emulator (node); seeded kills.

Targets: one round; every proposal sent exactly once or `unknown` (listed by `maillage outbox
unknown`, never resent); 0 duplicates, 0 missing; the two later starts run nothing.
The suite runs the same harness smaller (tests/e2e/test_round_kills.py: 300 members, 5 kills).

Run: `.venv/bin/python bench/bench_round_kills.py [--members 2000] [--kills 20] [--seed 1] [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from round_kills import run_kills  # noqa: E402
from tgemu import TelegramEmulator, skip_reason  # noqa: E402


async def main(members: int, kills: int, seed: int) -> int:
    if skip_reason():
        print(f"skipped: {skip_reason()}")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-round-kills-") as workdir:
        async with TelegramEmulator() as emu:
            report = await run_kills(Path(workdir), members=members, kills=kills, seed=seed, emu=emu,
                                     say=lambda text: print(text, flush=True))
    print(report.table())
    ok = (report.rounds == 1 and report.duplicates == 0 and report.missing == 0
          and set(report.statuses) <= {"sent", "unknown"} and report.listed_unknown == report.statuses["unknown"]
          and report.delivered_once == report.statuses["sent"] and report.restarts_after == 2 and report.rounds_run == 1)
    print(f"target: {'met' if ok else 'NOT MET'} ({len(report.kills)} kills)")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="300 members, 5 kills")
    args = parser.parse_args()
    if args.quick:
        args.members, args.kills = 300, 5
    sys.exit(asyncio.run(main(args.members, args.kills, args.seed)))
