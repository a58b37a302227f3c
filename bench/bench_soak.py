"""Benchmark: a soak of `maillage run` against the Telegram emulator (issue 18, "under load"), loopback only.

N simulated Telegram users (default 1,000) join by a venue's link, then for `--minutes` (default 10)
join over the first 40 % of the time, then search (/chercher; a quarter of the searches with a result go
on to ask for an introduction: "Meet X", then the sentence of context), look at the programme and
RSVP (/programme, an event's button, "j'y vais"), and ask for help, each at a random pace (overall `--rate` actions a second). Meanwhile the bot's
scheduler runs: a matchmaking round for the members already there (its time passed just before the
start, so the catch-up runs it and the outbox delivers the introductions), and three calendar feeds
on a loopback server sync every minute (one event changes each minute, so each sync writes).

Measured: reply latency (p50, p95, max, from a user's message to the bot's first answer, polled
every 0.2 s), errors (no answer within 30 s, or the "something went wrong" answer: must be 0),
outbox lag (how late the oldest due message is, sampled every 10 s), and the bot processes' memory
(RSS sampled every 10 s; growth from the end of the joins to the end must stay flat).

On SQLite with one process, and with `--postgres URL` on a scratch PostgreSQL database beside URL with
two processes (one polls and schedules, both send). Run:
`.venv/bin/python bench/bench_soak.py [--users 1000] [--minutes 10] [--rate 10] [--postgres URL] [--quick]`
(`--quick`: 100 users, 1 minute). Prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from bench.guard import require  # noqa: E402
from round_kills import DAYS, VENUES, emulator_sections, populate  # noqa: E402
from tgemu import FakeUser, TelegramEmulator, buttons, skip_reason  # noqa: E402

TOKEN = "818181:SOAK"
ZONE = "Europe/Paris"
FIRST_USER = 900_000
REPLY_TIMEOUT = 30.0
INTRODUCE_SHARE = 0.25  # of the searches with a result, how many go on to ask for an introduction
POLL = 0.2  # seconds between two looks at a waiting user's chat (the latency's resolution)
ERROR_TEXT = "quelque chose s'est mal passé"
SEARCHES = ("impression 3d", "comptabilité", "soudure", "menuiserie", "graphisme")


def ics(venue: str, now: datetime) -> bytes:
    """A venue's calendar: ten workshops in the coming days, and one whose title says the minute."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//soak//EN"]
    for n in range(10):
        start = (now + timedelta(days=1 + n % 6, hours=n)).replace(minute=0, second=0, microsecond=0)
        lines += ["BEGIN:VEVENT", f"UID:{venue}-{n}@soak", "DTSTAMP:20261101T000000Z",
                  f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{start + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
                  f"SUMMARY:Atelier {venue} {n}", "END:VEVENT"]
    start = (now + timedelta(days=2)).replace(second=0, microsecond=0)
    lines += ["BEGIN:VEVENT", f"UID:{venue}-live@soak", "DTSTAMP:20261101T000000Z",
              f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
              f"SUMMARY:Permanence {venue} ({now:%H:%M})", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


class FeedServer:
    """The venues' calendars over loopback HTTP; counts the requests."""

    def __init__(self) -> None:
        self.requests = 0
        self.port = 0
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            venue = request.split(b" ", 2)[1].decode().strip("/").removesuffix(".ics")
            body = ics(venue, datetime.now(timezone.utc))
            self.requests += 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nConnection: close\r\n"
                         + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def config_text(url: str, emu_url: str, feeds_port: int) -> str:
    fire = (datetime.now(timezone.utc) - timedelta(minutes=2)).astimezone(ZoneInfo(ZONE))
    feeds = "".join(f'\n[[events.feeds]]\nvenue = "{slug}"\nurl = "http://127.0.0.1:{feeds_port}/{slug}.ics"\n'
                    for slug in ("hangar", "fabrique", "moulin"))
    return f"""
[network]
name = "Réseau Soak"
timezone = "{ZONE}"
{VENUES}
[database]
url = "{url}"

[scheduler]
lock_check_seconds = 5

[matchmaking]
cron = "{fire.minute} {fire.hour} * * {DAYS[fire.weekday()]}"
every_weeks = 1

[events]
feed_sync_minutes = 1
{feeds}
{emulator_sections(emu_url)}"""


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    rsvps: int = 0
    introductions: int = 0  # introduction requests written (the answer to the sentence of context)
    lags: list[float] = field(default_factory=list)
    rss: dict[int, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))  # pid -> (t, KiB)
    joined_at: float = 0.0

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {detail[:200]}")


async def answer(user: FakeUser, wanted=lambda m: True, after: int | None = None) -> dict:
    """The first bot message after `after` (default: the user's last message) that `wanted` accepts."""
    floor = user.last_sent_id if after is None else after
    deadline = time.monotonic() + REPLY_TIMEOUT
    while True:
        for message in await user.messages():
            if message["message_id"] > floor and wanted(message):
                return message
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer within {REPLY_TIMEOUT:g} s")
        await asyncio.sleep(POLL)


async def timed(figures: Figures, kind: str, user: FakeUser, text: str, wanted=lambda m: True) -> dict | None:
    started = time.monotonic()
    try:
        await user.send(text)
        first = await answer(user)
        figures.latencies[kind].append(time.monotonic() - started)
        if ERROR_TEXT in first.get("text", ""):
            figures.error(kind, first["text"])
            return None
        return first if wanted(first) else await answer(user, wanted)
    except Exception as error:  # noqa: BLE001 - every failure is a counted error, and the soak goes on
        figures.error(kind, f"{type(error).__name__}: {error}")
        return None


async def rsvp(figures: Figures, user: FakeUser) -> None:
    first = await timed(figures, "programme", user, "/programme")
    if first is None:
        return
    def has_show(m: dict) -> bool:
        return any(b.get("callback_data", "").startswith("ev.show") for b in buttons(m))

    try:
        # The programme may come in several messages: the one with the events' buttons.
        listing = first if has_show(first) else await answer(user, has_show)
        show = next(b["callback_data"] for b in buttons(listing) if b.get("callback_data", "").startswith("ev.show"))
        floor = max(m["message_id"] for m in await user.messages())
        started = time.monotonic()
        await user.press(show, message_id=listing["message_id"])
        detail = await answer(user, lambda m: any(b.get("callback_data", "").startswith("rsvp")
                                                  for b in buttons(m)), after=floor - 1)
        figures.latencies["event button"].append(time.monotonic() - started)
        going = next(b["callback_data"] for b in buttons(detail) if b.get("callback_data", "").startswith("rsvp"))
        started = time.monotonic()
        query = await user.press(going, message_id=detail["message_id"])
        await user.wait_callback_answer(query, timeout=REPLY_TIMEOUT)
        figures.latencies["rsvp"].append(time.monotonic() - started)
        figures.rsvps += 1
    except Exception as error:  # noqa: BLE001
        figures.error("rsvp", f"{type(error).__name__}: {error}")


async def introduce(figures: Figures, user: FakeUser, found: dict, rng: random.Random) -> None:
    """From a search's answer: "Meet X" (a button with an `ireq` payload), then the one sentence of context."""
    asks = [b["callback_data"] for b in buttons(found) if b.get("callback_data", "").startswith("ireq")]
    if not asks:
        return
    try:
        floor = max(m["message_id"] for m in await user.messages())
        started = time.monotonic()
        await user.press(rng.choice(asks), message_id=found["message_id"])
        await answer(user, after=floor)
        figures.latencies["introduction button"].append(time.monotonic() - started)
    except Exception as error:  # noqa: BLE001
        figures.error("introduction", f"{type(error).__name__}: {error}")
        return
    if await timed(figures, "introduction", user, "Bonjour, je monte un projet proche du tien : un café ?") is not None:
        figures.introductions += 1


async def simulate(emu: TelegramEmulator, n: int, users: int, codes: list[str], figures: Figures,
                   rng: random.Random, join_by: float, until: float, rate: float) -> None:
    user = emu.user(TOKEN, FIRST_USER + n, f"Soak {n}", language_code="fr")
    await asyncio.sleep(rng.uniform(0, join_by - time.monotonic()))
    await timed(figures, "join", user, f"/start {codes[n % len(codes)]}", lambda m: bool(buttons(m)))
    per_user = rate / users  # each user's actions a second: together, `rate`
    while True:
        # The pause before the next action, cut at the end of the soak (an exponential tail can be long).
        await asyncio.sleep(min(rng.expovariate(per_user), max(until - time.monotonic(), 0.0)))
        if time.monotonic() >= until:
            return
        choice = rng.random()
        if choice < 0.45:
            found = await timed(figures, "search", user, f"/chercher {rng.choice(SEARCHES)}")
            if found is not None and rng.random() < INTRODUCE_SHARE:
                await introduce(figures, user, found, rng)
        elif choice < 0.8:
            await rsvp(figures, user)
        else:
            await timed(figures, "help", user, "/aide")


def rss_kib(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(found.group(1)) if found else None


async def sample(db_url: str, pids: list[int], figures: Figures, until: float, origin: float) -> None:
    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import OutboxMessage

    db = Database(db_url)
    try:
        while time.monotonic() < until + 5:
            now = datetime.now(timezone.utc)
            async with db.session() as session:
                oldest = (await session.execute(select(func.min(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.status.in_(["pending", "claimed"]), OutboxMessage.next_attempt_at <= now))).scalar()
            if oldest is not None:
                oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=timezone.utc)
                figures.lags.append(max((now - oldest).total_seconds(), 0.0))
            else:
                figures.lags.append(0.0)
            for pid in pids:
                kib = rss_kib(pid)
                if kib is not None:
                    figures.rss[pid].append((time.monotonic() - origin, kib))
            await asyncio.sleep(10)
    finally:
        await db.dispose()


async def stop(procs: list[asyncio.subprocess.Process]) -> None:
    for process in procs:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def soak(label: str, db_url: str, processes: int, users: int, minutes: float, rate: float,
               seed_members: int, workdir: Path) -> dict:
    rng = random.Random(users)
    feeds = FeedServer()
    await feeds.start()
    procs: list[asyncio.subprocess.Process] = []
    logs: list[Path] = []
    try:
        async with TelegramEmulator() as emu:
            import httpx

            # The users' side must not be the bottleneck: a pool as wide as the load (the default, 100
            # connections with a 10 s wait for one, turned a thousand users' polls into PoolTimeouts).
            await emu.http.aclose()
            emu._client = httpx.AsyncClient(base_url=emu.url, timeout=httpx.Timeout(30.0, pool=None),
                                            limits=httpx.Limits(max_connections=500, max_keepalive_connections=200))
            config = workdir / "config.toml"
            config.write_text(config_text(db_url, emu.url, feeds.port), encoding="utf-8")
            await populate(config, seed_members)
            from sqlalchemy import select

            from storage.db import Database
            from storage.models import Venue

            db = Database(db_url)
            async with db.session() as session:
                codes = [c for c in (await session.execute(select(Venue.join_code).order_by(Venue.id))).scalars() if c]
            await db.dispose()
            env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "MAILLAGE_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
            env.pop("MAILLAGE_DATABASE_URL", None)
            for n in range(processes):
                log = workdir / f"run-{n}.log"
                logs.append(log)
                with log.open("wb") as out:
                    procs.append(await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                        stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out))
                deadline = time.monotonic() + 120
                while "Maillage is running" not in log.read_text(errors="replace"):
                    if procs[-1].returncode is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"maillage run did not start:\n{log.read_text()[-3000:]}")
                    await asyncio.sleep(0.1)
            # The users come once the feeds' first sync imported the programme (30 s after a start).
            deadline = time.monotonic() + 180
            while not re.search(r"feeds: \d+ synced, [1-9]", "".join(l.read_text(errors="replace") for l in logs)):
                if time.monotonic() > deadline:
                    raise RuntimeError("the feeds' first sync did not come")
                await asyncio.sleep(0.5)
            figures = Figures()
            origin = time.monotonic()
            join_by = origin + max(10.0, minutes * 60 * 0.4)  # the joins come over the first 40 %
            until = origin + minutes * 60
            sampler = asyncio.create_task(sample(db_url, [p.pid for p in procs], figures, until, origin))
            await asyncio.gather(*(simulate(emu, n, users, codes, figures, random.Random(rng.random()), join_by, until, rate)
                                   for n in range(users)))
            figures.joined_at = join_by - origin
            await sampler
            db = Database(db_url)
            from sqlalchemy import func

            from storage.models import OutboxMessage
            from storage.models.matchmaking import MatchRound

            async with db.session() as session:
                statuses = dict((await session.execute(select(OutboxMessage.status, func.count())
                                                       .group_by(OutboxMessage.status))).all())
                rounds = (await session.execute(select(func.count()).select_from(MatchRound))).scalar_one()
            await db.dispose()
            await stop(procs)  # before the emulator goes: a bot whose Telegram vanished logs tracebacks
    finally:
        await stop(procs)
        await feeds.close()
    text = "".join(log.read_text(errors="replace") for log in logs)
    growth = []
    for series in figures.rss.values():
        after_joins = [kib for t, kib in series if t >= figures.joined_at] or [kib for _, kib in series]
        if after_joins:
            growth.append((after_joins[0], after_joins[-1], max(kib for _, kib in series)))
    all_latencies = [v for values in figures.latencies.values() for v in values]
    return {
        "label": label, "users": users, "minutes": minutes, "figures": figures, "statuses": statuses,
        "rounds": rounds, "feed_syncs": len(re.findall(r"feeds: \d+ synced", text)),
        "feed_failures": len(re.findall(r"feed \d+ .* failed \[", text)), "feed_requests": feeds.requests,
        "tracebacks": text.count("Traceback"), "p50": pct(all_latencies, 0.5), "p95": pct(all_latencies, 0.95),
        "max": max(all_latencies, default=float("nan")), "actions": len(all_latencies), "growth": growth,
    }


def print_table(results: list[dict]) -> None:
    print("\n| run | users × min | actions | p50 / p95 / max reply (s) | errors | RSVPs | introduction requests | outbox sent / lag p95 / max (s) "
          "| rounds | feed syncs (feeds failed) | RSS after joins → end (max), MiB | tracebacks in logs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        f: Figures = r["figures"]
        rss = "; ".join(f"{a / 1024:.0f} → {b / 1024:.0f} ({m / 1024:.0f})" for a, b, m in r["growth"])
        print(f"| {r['label']} | {r['users']:,} × {r['minutes']:g} | {r['actions']:,} | {r['p50']:.2f} / {r['p95']:.2f} / "
              f"{r['max']:.2f} | {sum(f.errors.values())} | {f.rsvps} | {f.introductions} | {r['statuses'].get('sent', 0):,} / "
              f"{pct(f.lags, 0.95):.1f} / {max(f.lags, default=0):.1f} | {r['rounds']} | {r['feed_syncs']} ({r['feed_failures']}) | {rss} | "
              f"{r['tracebacks']} |")
    for r in results:
        f = r["figures"]
        kinds = ", ".join(f"{kind} p50 {statistics.median(v):.2f} / p95 {pct(v, 0.95):.2f} s (n={len(v)})"
                          for kind, v in sorted(f.latencies.items()) if v)
        print(f"\n{r['label']}: {kinds}")
        if f.errors:
            print(f"{r['label']} errors: {dict(f.errors)}; e.g. " + " | ".join(f.error_samples))


async def main(args: argparse.Namespace) -> int:
    if skip_reason():
        print(f"skipped: {skip_reason()}")
        return 0
    results = []
    seed_members = max(40, args.users // 2)
    with (tempfile.TemporaryDirectory(prefix="bench-soak-") if not args.keep
          else contextlib.nullcontext(tempfile.mkdtemp(prefix="bench-soak-"))) as tmp:
        print(f"work directory: {tmp}", flush=True)
        if not args.postgres_only:
            work = Path(tmp) / "sqlite"
            work.mkdir()
            results.append(await soak("SQLite, 1 process", f"sqlite+aiosqlite:///{work}/soak.sqlite", 1, args.users,
                                      args.minutes, args.rate, seed_members, work))
        if args.postgres:
            from storage.scratch import create_scratch, drop_scratch

            url = await create_scratch(args.postgres, "maillage_soak")
            work = Path(tmp) / "postgres"
            work.mkdir()
            try:
                results.append(await soak("PostgreSQL, 2 processes", url, 2, args.users, args.minutes, args.rate,
                                          seed_members, work))
            finally:
                await drop_scratch(args.postgres, url)
    require(len(results), "soak runs (--postgres-only needs --postgres URL or $MAILLAGE_TEST_DATABASE_URL)")
    for r in results:
        require(r["actions"], f"{r['label']}: actions answered")
    print_table(results)
    ok = all(sum(r["figures"].errors.values()) == 0 for r in results)
    print(f"\ntarget: 0 errors, memory flat after the joins: {'errors 0' if ok else 'ERRORS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=10.0, help="actions a second, all users together")
    parser.add_argument("--postgres", default=os.environ.get("MAILLAGE_TEST_DATABASE_URL"),
                        help="a PostgreSQL URL beside which a scratch database is made (default: $MAILLAGE_TEST_DATABASE_URL)")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, SQLite file)")
    parser.add_argument("--quick", action="store_true", help="100 users, 1 minute")
    parsed = parser.parse_args()
    if parsed.postgres_only and not parsed.postgres:
        parser.error("--postgres-only needs --postgres URL (or $MAILLAGE_TEST_DATABASE_URL)")
    if parsed.quick:
        parsed.users, parsed.minutes = 100, 1.0
    sys.exit(asyncio.run(main(parsed)))
