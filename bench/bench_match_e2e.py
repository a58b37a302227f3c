"""Benchmark: `maillage match --dry-run --format json` end to end, as an animator runs it.

Targets (issue 17): ≤ 2 s at 500 members, ≤ 10 s at 10,000, < 60 s at 50,000 (wall, this 2-core
machine), peak memory ≤ 1 GB; `maillage --help` under 1 s. Run:
``python -m bench.bench_match_e2e [--members 500 10000 50000] [--quick] [--history ROUNDS] [--keep DIR]``;
prints the table. ``--history 26`` measures a network that ran a year of rounds (the repeat window):
a million past pairs to read and to keep apart, where a new network has none.
With ``--keep DIR`` the databases stay in DIR and are reused by the next run (profiling the command
on them: ``py-spy record -- python -m bot --config DIR/config-50000.toml match --dry-run ...``).

For each size, a SQLite database is filled with the synthetic network of `bench.synthetic` (30
venues, skills mapped onto the taxonomy, languages and venue preferences, consent and a reachable
identity for everyone), then:
* wall: the real command in a fresh process (`python -m bot -v --log-format json --config ... match
  --dry-run --format json --at ...`) and its peak RSS;
* its steps, from the debug lines it logs at the end of each (so they add up to the wall, and
  nothing is measured in another process under other load): start-up (imports, config, the
  database's revision check, the reference data sync, the match command's own imports), load
  (candidates and history), score (the candidate graph), solve (the rest of `plan_round`: solver,
  introductions and their reasons), places (where each introduction meets), JSON (the document,
  its text, printed terminal-safe), exit (the process's end after printing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # allow `python bench/bench_match_e2e.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from bench.guard import require  # noqa: E402
from bench.synthetic import synthetic_network  # noqa: E402

AT = "2026-12-07T10:05"  # a Monday of the default rhythm (every other Monday 10:00, Europe/Paris)
NOW = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
TARGETS = {500: 2.0, 10_000: 10.0, 50_000: 60.0}
ROOT = Path(__file__).resolve().parents[1]
def config_text(url: str) -> str:
    return f'[network]\nname = "Bench"\ntimezone = "Europe/Paris"\n\n[database]\nurl = "{url}"\n'


async def populate(url: str, members: int, history: int = 0) -> None:
    from storage.db import Database
    from storage.migrate import upgrade
    from bot.config import parse_config
    from bot.reference_data import sync_reference_data
    from storage.models import Identity, Member, MemberSkill, Skill, Venue
    from storage.models.matchmaking import IntroPreferences

    db = Database(url)
    await upgrade(db)
    await sync_reference_data(db, parse_config(config_text(url), environ={}))
    net = synthetic_network(members, seed=members)
    async with db.session() as session:
        skills = list((await session.execute(select(Skill.id).where(Skill.custom.is_(False)).order_by(Skill.id)))
                      .scalars())
        require(len(skills), "taxonomy skills in the database")
        skill_of = {k: skills[(k - 1) % len(skills)] for k in range(1, 200)}
        await session.execute(insert(Venue), [dict(
            id=v.id, slug=v.slug, name=v.slug.replace("-", " ").title(), kind=v.kind, city="Ville",
            timezone="Europe/Paris", description="", join_code=f"code{v.id:04d}", created_at=NOW,
            latitude=v.coordinates[0] if v.coordinates else None,
            longitude=v.coordinates[1] if v.coordinates else None) for v in net.venues])
        rows, idents, prefs, links = [], [], [], []
        for c in net.members:
            rows.append(dict(id=c.member_id, display_name=f"Membre {c.member_id}", home_venue_id=c.venue_id,
                             locale="en" if c.languages == {"en"} else "fr", languages=sorted(c.languages),
                             visibility="network", intro_opt_in=True, cadence="biweekly", consent_at=NOW,
                             consent_version="bench", created_at=NOW, updated_at=NOW))
            idents.append(dict(member_id=c.member_id, platform="telegram", platform_user_id=str(10_000 + c.member_id),
                               display_name=f"Membre {c.member_id}", dm_status="open", created_at=NOW,
                               last_seen_at=NOW))
            prefs.append(dict(member_id=c.member_id, venue_preference=c.preference.value,
                              never_with=sorted(c.never_with), priority=False, updated_at=NOW))
            for kind, ids in (("offer", c.offers), ("need", c.needs), ("interest", c.interests)):
                links += [dict(member_id=c.member_id, skill_id=skill_of[s], kind=kind, created_at=NOW) for s in ids]
        for table, data in ((Member, rows), (Identity, idents), (IntroPreferences, prefs), (MemberSkill, links)):
            for start in range(0, len(data), 5000):
                await session.execute(insert(table), data[start:start + 5000])
        await past_rounds(session, net, history)
    await db.dispose()


async def past_rounds(session, net, rounds: int) -> None:
    """`rounds` past rounds, every other week before AT, each pairing everyone at random (what the
    round reads as its history: repeats to avoid, venue pairs met lately)."""
    from bot.matchmaking.periods import period_of
    from storage.models.matchmaking import Introduction, IntroductionMember, MatchRound

    at = datetime.fromisoformat(AT).replace(tzinfo=timezone.utc)
    venue_of = net.venue_of()
    ids = sorted(venue_of)
    intro_id = 0
    for k in range(1, rounds + 1):
        fire = at - timedelta(weeks=2 * k)
        round_id = (await session.execute(insert(MatchRound).returning(MatchRound.id), [dict(
            period=period_of(fire, "Europe/Paris"), trigger="schedule", run_at=fire, stats={},
            created_at=fire)])).scalar_one()
        order = ids[:]
        random.Random(k).shuffle(order)
        intros, people = [], []
        for a, b in zip(order[0::2], order[1::2]):
            intro_id += 1
            intros.append(dict(id=intro_id, round_id=round_id, score=5.0, created_at=fire,
                               expires_at=fire + timedelta(days=3)))
            people += [dict(introduction_id=intro_id, slot=slot, member_id=m, venue_id=venue_of[m])
                       for slot, m in enumerate((a, b))]
        for table, data in ((Introduction, intros), (IntroductionMember, people)):
            for start in range(0, len(data), 5000):
                await session.execute(insert(table), data[start:start + 5000])


def timed_process(args: list[str], env: dict) -> tuple[float, bytes]:
    """Wall seconds and stdout of one fresh process (which must succeed)."""
    started = time.perf_counter()
    out, _err = _run(args, env)
    return time.perf_counter() - started, out


def _run(args: list[str], env: dict) -> tuple[bytes, bytes]:
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                             cwd=ROOT)
    out, err = child.communicate()
    if child.returncode != 0:
        print(err.decode(errors="replace")[-2000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(args)} exited with {child.returncode}")
    return out, err


# The debug lines the command logs at the end of its steps (bot.cli.match, bot.matchmaking.run, the
# candidate graph), in order: (logger, how the message starts, the step the line ends).
STEP_ENDS = (("bot.cli.match", "match: started", "start-up"),
             ("bot.matchmaking.run", "round", "load"),  # "round P: N candidates and their history read"
             ("bot.matchmaking.engine.graph", "candidate graph:", "score"),
             ("bot.matchmaking.run", "round", "solve"),  # "round P: planned"
             ("bot.matchmaking.run", "round", "places"),  # "round P: meeting places chosen"
             ("bot.cli.match", "match: dry-run printed", "JSON"))
STAGES = (*(step for _logger, _text, step in STEP_ENDS), "exit")


def dry_run(cfg: Path, env: dict) -> tuple[float, dict[str, float], bytes]:
    """The real command in a fresh process: its wall time, the seconds of each of its steps (read
    from its own debug log, so they add up to the wall; "exit" is its end after printing), its JSON."""
    started = time.time()  # the log's clock
    out, err = _run(["-m", "bot", "-v", "--log-format", "json", "--config", str(cfg), "match", "--dry-run",
                     "--format", "json", "--at", AT], env)
    ended = time.time()
    figures, previous, k = {}, started, 0
    for line in err.decode().splitlines():
        entry = json.loads(line) if line.startswith("{") else None
        if entry and k < len(STEP_ENDS) and entry["logger"] == STEP_ENDS[k][0] \
                and entry["message"].startswith(STEP_ENDS[k][1]):
            at = datetime.fromisoformat(entry["time"]).timestamp()
            figures[STEP_ENDS[k][2]], previous, k = at - previous, at, k + 1
    if k < len(STEP_ENDS):
        raise SystemExit(f"the command logged no end for its step {STEP_ENDS[k][2]!r}")
    figures["exit"] = ended - previous
    return ended - started, figures, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[500, 10_000, 50_000])
    parser.add_argument("--quick", action="store_true", help="500 and 2,000 members: a smoke run")
    parser.add_argument("--history", type=int, default=0, metavar="ROUNDS",
                        help="past rounds in the database (every other week, everyone paired): the history a "
                             "network has after ROUNDS rounds (26 is the default repeat window)")
    parser.add_argument("--keep", metavar="DIR", help="keep the databases in DIR and reuse them on the next run "
                                                     "(filling 50,000 members takes minutes)")
    args = parser.parse_args(argv)
    sizes = [500, 2000] if args.quick else args.members
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    help_wall = min(timed_process(["-m", "bot", "--help"], env)[0] for _ in range(3))
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        Path(tmp).mkdir(parents=True, exist_ok=True)
        for n in sizes:
            path = Path(tmp) / (f"e2e-{n}.sqlite" if not args.history else f"e2e-{n}-h{args.history}.sqlite")
            url = f"sqlite+aiosqlite:///{path}"
            cfg = Path(tmp) / f"config-{path.stem.removeprefix('e2e-')}.toml"
            cfg.write_text(config_text(url), encoding="utf-8")
            # A kept database is whole: it is written under a temporary name, renamed when filled.
            if not path.exists():
                partial = path.with_suffix(".partial")
                partial.unlink(missing_ok=True)
                asyncio.run(populate(f"sqlite+aiosqlite:///{partial}", n, args.history))
                partial.rename(path)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            wall, figures, out = dry_run(cfg, env)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            document = json.loads(out)
            require(len(document["introductions"]), f"introductions in the dry-run at {n}", n // 4)
            target = TARGETS.get(n)
            verdict = "-" if target is None else ("ok" if wall <= target and peak < 1024 * 1024 else "MISSED")
            rows.append((n, f"{wall:.2f}", f"{target or '-'}", f"{max(peak, before) / 1024:.0f}",
                         *(f"{figures[k]:.2f}" for k in STAGES), len(document["introductions"]),
                         document["stats"]["method"], verdict))
    header = ("members", "wall s", "target s", "peak MiB", *(f"{k} s" for k in STAGES), "introductions", "method",
              "verdict")
    cells = [list(map(str, header))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(header))]
    print(f"\n`maillage match --dry-run --format json` on SQLite, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        if k == 0:
            print("  ".join("-" * width for width in widths))
    print(f"\n`maillage --help`: {help_wall:.2f} s (best of 3; target < 1 s: {'ok' if help_wall < 1 else 'MISSED'}); "
          f"the table's start-up is the command's own (imports, config, revision check, reference data)")
    print(f"/proc/loadavg at the end: {Path('/proc/loadavg').read_text().strip() if Path('/proc/loadavg').exists() else '-'}")
    print("peak MiB is the largest child RSS so far (ru_maxrss): a size's figure includes the smaller ones'.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
