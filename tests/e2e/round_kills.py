"""A matchmaking round delivered by real `maillage run` processes killed with SIGKILL (issue 18.1, 18.9).

Shared by `tests/e2e/test_round_kills.py` (a few kills, a few hundred members) and
`bench/bench_round_kills.py` (20 kills, 2,000 members). The set-up: a SQLite database with `members`
members who all match (complementary skills), scheduling for a month, and a weekly round whose time
passed two minutes ago while the bot was down; the Telegram emulator plays Telegram. So each start
of `maillage run` catches the round up (`jobs.matchmaking.catch_up`) and then delivers it.

The kills follow a seeded plan: the first third during the writing (inside the round's write
transaction, before its commit: the process is started with that failpoint armed and killed once it
says it is there), the rest during delivery (after at least
one more message is recorded as sent). What each kill really hit is read in the database, not
assumed. After the last kill one process runs to the end; then two more starts must find the round
done. Checked at the end: one round; every outbox row sent or unknown (none pending, none dead); a
sent row's message is in its chat once; an unknown row's at most once (never resent blind); and
`maillage outbox unknown` lists exactly the unknown rows.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from tgemu import TelegramEmulator, wait_until

REPO = Path(__file__).resolve().parents[2]
TOKEN = "717171:ROUND-KILLS"
ZONE = "Europe/Paris"
FIRST_USER = 500_000
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

VENUES = """
[[venues]]
slug = "hangar"
name = "Le Hangar"
kind = "coworking"
city = "Nantes"

[[venues]]
slug = "fabrique"
name = "La Fabrique"
kind = "fablab"
city = "Saint-Nazaire"

[[venues]]
slug = "moulin"
name = "Le Moulin"
kind = "tiers-lieu"
city = "Clisson"
"""


@dataclass
class Kill:
    number: int
    phase: str  # what it hit, read in the database: "writing" or "delivery"
    after_seconds: float  # from the process's start
    sent_before: int
    sending: int  # rows caught in `sending` (they become unknown)


@dataclass
class KillReport:
    members: int
    kills: list[Kill] = field(default_factory=list)
    rounds: int = 0
    rows: int = 0
    statuses: Counter = field(default_factory=Counter)
    delivered_once: int = 0  # sent rows whose message is in the chat exactly once
    unknown_arrived: int = 0  # unknown rows whose message did arrive (once)
    duplicates: int = 0  # chats with more messages than rows for them
    missing: int = 0  # sent rows with no message
    listed_unknown: int = 0  # rows `maillage outbox unknown` printed
    restarts_after: int = 0  # starts after the end that found the round done
    rounds_run: int = 0  # "the round ran" lines in all the logs: the catch-ups that wrote the round
    seconds: float = 0.0

    def table(self) -> str:
        writing = sum(1 for k in self.kills if k.phase == "writing")
        lines = [
            "| measure | value |", "|---|---|",
            f"| members | {self.members:,} |",
            f"| SIGKILLs (writing / delivery) | {len(self.kills)} ({writing} / {len(self.kills) - writing}) |",
            f"| rounds for the period | {self.rounds} |",
            f"| proposals (outbox rows) | {self.rows:,} |",
            f"| sent, in their chat exactly once | {self.delivered_once:,} |",
            f"| unknown (killed mid-send), listed by `maillage outbox unknown` | {self.statuses['unknown']} "
            f"(listed {self.listed_unknown}; arrived once {self.unknown_arrived}, never twice) |",
            f"| other statuses | {dict((k, v) for k, v in self.statuses.items() if k not in ('sent', 'unknown'))} |",
            f"| duplicates / sent but missing | {self.duplicates} / {self.missing} |",
            f"| catch-ups that wrote the round (all starts) | {self.rounds_run} |",
            f"| restarts after the end that ran nothing | {self.restarts_after} |",
            f"| wall time | {self.seconds:.0f} s |",
        ]
        return "\n".join(lines)


def emulator_sections(emu_url: str) -> str:
    """The config sections of a bot talking to the emulator with no quiet hours (shared by the benches)."""
    return f"""[attention]
quiet_start = "00:00"
quiet_end = "00:00"
quiet_weekends = false

[telegram]
api_base_url = "{emu_url}"
poll_interval = 0.05
poll_timeout = 1
request_timeout = 20
set_commands = false
"""


def config_text(db_path: Path, emu_url: str, fire: datetime) -> str:
    local = fire.astimezone(ZoneInfo(ZONE))
    return f"""
[network]
name = "Réseau Test"
timezone = "{ZONE}"
{VENUES}
[database]
url = "sqlite+aiosqlite:///{db_path}"

[matchmaking]
cron = "{local.minute} {local.hour} * * {DAYS[local.weekday()]}"
every_weeks = 1

[outbox]
lease_seconds = 5
poll_seconds = 0.2

{emulator_sections(emu_url)}"""


async def populate(config_path: Path, members: int) -> None:
    """Migrate, load reference data and venues (as a start does), then add members who all match."""
    from bot.app import build_app
    from bot.config import load_config
    from storage.models import Identity, Member, MemberSkill, Skill, Venue
    from storage.models.matchmaking import MatchScheduling
    from sqlalchemy import select

    config = load_config(config_path, environ={})
    app = await build_app(config, adapters=[], migrate=True)
    try:
        now = datetime.now(timezone.utc)
        async with app.db.session() as session:
            skills = dict((await session.execute(select(Skill.slug, Skill.id).where(
                Skill.slug.in_(["3d-printing", "accounting"])))).all())
            venues = list((await session.execute(select(Venue.id).order_by(Venue.id))).scalars())
            people = [Member(display_name=f"Membre {n}", home_venue_id=venues[n % len(venues)], locale="fr",
                             languages=["fr"], visibility="network", intro_opt_in=True, cadence="weekly",
                             consent_at=now, consent_version="test") for n in range(members)]
            session.add_all(people)
            await session.flush()
            for n, member in enumerate(people):
                offer, need = ("3d-printing", "accounting") if n % 2 else ("accounting", "3d-printing")
                session.add_all([
                    Identity(member_id=member.id, platform="telegram", platform_user_id=str(FIRST_USER + n),
                             display_name=member.display_name, locale="fr", dm_status="open"),
                    MemberSkill(member_id=member.id, skill_id=skills[offer], kind="offer"),
                    MemberSkill(member_id=member.id, skill_id=skills[need], kind="need")])
            session.add(MatchScheduling(since=now - timedelta(days=30)))
    finally:
        await app.close()


class Database:
    """Reads of the bot's SQLite file from outside (the stdlib driver, short transactions)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def query(self, sql: str) -> list[tuple]:
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def rounds(self) -> int:
        return self.query("SELECT count(*) FROM match_rounds")[0][0]

    def statuses(self) -> Counter:
        return Counter(dict(self.query("SELECT status, count(*) FROM outbox GROUP BY status")))


class Runner:
    """Starts `maillage run` processes, one at a time, each with its own log file."""

    def __init__(self, workdir: Path, config_path: Path) -> None:
        self.workdir, self.config_path = workdir, config_path
        self.env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "MAILLAGE_CONFIG": str(config_path),
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("MAILLAGE_DATABASE_URL", None)
        self.env.pop("MAILLAGE_FAILPOINTS", None)
        self.starts = 0
        self.process: asyncio.subprocess.Process | None = None
        self.log: Path | None = None
        self.started_at = 0.0

    async def start(self, failpoints: str | None = None) -> None:
        self.starts += 1
        self.log = self.workdir / f"run-{self.starts:02d}.log"
        env = {**self.env, "MAILLAGE_FAILPOINTS": failpoints} if failpoints else self.env
        with self.log.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "-v", "run", cwd=REPO, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
        self.started_at = time.monotonic()

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    async def wait_log(self, needle: str, timeout: float) -> None:
        def seen() -> bool:
            if self.process is not None and self.process.returncode is not None:
                raise RuntimeError(f"maillage run exited ({self.process.returncode}):\n{self.text()[-3000:]}")
            return needle in self.text()

        await wait_until(seen, timeout=timeout, interval=0.02, what=f"{needle!r} in {self.log}")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            await self.kill()


WRITE_FAILPOINT = "matchmaking.round_before_commit"


async def run_kills(workdir: Path, *, members: int, kills: int, seed: int, emu: TelegramEmulator,
                    say=lambda text: None) -> KillReport:
    started = time.monotonic()
    rng = random.Random(seed)
    db_path = workdir / "maillage.sqlite"
    config_path = workdir / "config.toml"
    config_path.write_text(config_text(db_path, emu.url, datetime.now(timezone.utc) - timedelta(minutes=2)),
                           encoding="utf-8")
    await populate(config_path, members)
    db = Database(db_path)
    runner = Runner(workdir, config_path)
    report = KillReport(members)
    writing_kills = max(1, kills // 3)
    try:
        for number in range(1, kills + 1):
            writing = number <= writing_kills and db.rounds() == 0
            # A writing kill lands inside the round's write transaction, before its commit: the process
            # pauses at that failpoint (bot/failpoints.py) and is killed there, whatever the machine's
            # load; a random delay after "checking" missed that one-second window on a loaded machine.
            await runner.start(failpoints=WRITE_FAILPOINT if writing else None)
            if writing:
                await runner.wait_log(f"failpoint {WRITE_FAILPOINT} reached", timeout=240)
                await asyncio.sleep(rng.uniform(0.0, 0.2))
            else:
                sent = db.statuses().get("sent", 0)
                await wait_until(lambda: db.statuses().get("sent", 0) > sent or runner.process.returncode is not None,
                                 timeout=120, interval=0.05, what="one more message sent")
                await asyncio.sleep(rng.uniform(0.0, 1.5))
            await runner.kill()
            after = time.monotonic() - runner.started_at
            statuses = db.statuses()
            phase = "delivery" if db.rounds() else "writing"
            report.kills.append(Kill(number, phase, after, statuses.get("sent", 0), statuses.get("sending", 0)))
            say(f"kill {number}: {phase} after {after:.1f} s, sent {statuses.get('sent', 0)}, "
                f"in flight {statuses.get('sending', 0)}")
            if db.rounds() and not (statuses.get("pending", 0) + statuses.get("claimed", 0)):
                break  # nothing left to kill in (a small round delivered before the kills ran out)

        # The last run: to the end (in-flight rows turn unknown after their lease), then stopped.
        await runner.start()

        def done() -> bool:
            s = db.statuses()
            return db.rounds() == 1 and not (s.get("pending", 0) + s.get("claimed", 0) + s.get("sending", 0))

        await wait_until(done, timeout=600, interval=0.5, what="every proposal delivered or unknown")
        await runner.stop()
        # Item 9: two more starts, each after the round's time: neither runs another round.
        for _ in range(2):
            await runner.start()
            await runner.wait_log("matchmaking catch-up: nothing to do (already)", timeout=120)
            await runner.stop()
            report.restarts_after += 1
    finally:
        await runner.stop()

    report.rounds = db.rounds()
    report.rounds_run = sum(log.read_text(errors="replace").count("matchmaking catch-up: the round ran")
                            for log in sorted(workdir.glob("run-*.log")))
    report.statuses = db.statuses()
    rows = db.query("SELECT user_id, status FROM outbox WHERE user_id IS NOT NULL ORDER BY id")
    report.rows = len(rows)
    by_chat: dict[str, list[str]] = {}
    for user_id, status in rows:
        by_chat.setdefault(user_id, []).append(status)
    for user_id, statuses in by_chat.items():
        received = len(await emu.chat_messages(TOKEN, int(user_id)))
        if received > len(statuses):
            report.duplicates += 1
        sent = statuses.count("sent")
        if received < sent:
            report.missing += 1
        elif len(statuses) == 1:  # the usual case: one proposal per member
            if statuses[0] == "sent":
                report.delivered_once += received == 1
            elif statuses[0] == "unknown":
                report.unknown_arrived += received == 1
        else:
            report.delivered_once += min(received, sent)
    listing = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "outbox", "unknown", cwd=REPO, env=runner.env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, _ = await listing.communicate()
    # One line per row, its id first (the terminal-safe text shows tabs as "\t").
    listed = {match.group(1) for line in out.decode().splitlines() if (match := re.match(r"(\d+)\D", line))}
    unknown_ids = {str(row[0]) for row in db.query("SELECT id FROM outbox WHERE status = 'unknown'")}
    report.listed_unknown = len(listed & unknown_ids) if listed == unknown_ids else -len(listed ^ unknown_ids)
    report.seconds = time.monotonic() - started
    return report
