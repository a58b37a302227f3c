"""Benchmark: 200 lobby screens on one `maillage run` web face (server-sent events over loopback).

Targets (issue 12): each change reaches every open screen within 2 s; the server's CPU while the
screens idle stays negligible (a few percent of one core, heartbeats included); the wall page is
under 100 kB before its data. The server is a real `maillage run` in its own process (SQLite, the
default poll of 1 s and heartbeat of 15 s); changes are made by this process through the core's
database, as the bot process would, so they travel through the change log like in production.
The clients are raw asyncio sockets, spread over three walls (the network in French, two venues).

Run: `.venv/bin/python -m bench.bench_wall [--clients 200] [--idle 10] [--quick]`; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "wall"))

import httpx  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.wall import moderation  # noqa: E402
from testkit import TEST_CONFIG, make_config  # noqa: E402

SCOPES = ["/wall-stream?lang=fr", "/wall-stream?venue=hangar&lang=fr", "/wall-stream?venue=fabrique&lang=en"]
TARGET_SECONDS = 2.0
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class Screen:
    """One SSE client: counts the drawings it received and when the last one came."""

    def __init__(self, port: int, path: str) -> None:
        self.port, self.path = port, path
        self.drawings: list[tuple[float, str]] = []
        self.pings = 0
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(f"GET {self.path} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        event, data = None, []
        try:
            while True:
                line = (await reader.readline()).decode("utf-8", "replace").rstrip("\r\n")
                if not line:
                    if event == "wall":
                        self.drawings.append((time.perf_counter(), "".join(data)))
                    elif event == "ping":
                        self.pings += 1
                    event, data = None, []
                    continue
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
        finally:
            writer.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_for(predicate, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        await asyncio.sleep(0.01)
    return float("inf")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measured")
    parser.add_argument("--quick", action="store_true", help="20 clients, 3 s idle")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.idle = 20, 3.0
    folder = Path(tempfile.mkdtemp(prefix="bench-wall-"))
    url = f"sqlite+aiosqlite:///{folder / 'wall.sqlite'}"
    port = free_port()
    config = folder / "config.toml"
    config.write_text(TEST_CONFIG + f'\n[web]\nhost = "127.0.0.1"\nport = {port}\n[scheduler]\nenabled = false\n'
                      '[wall]\nbot_username = "maillage_bot"\n', encoding="utf-8")
    app = await build_app(make_config(url), clock=SystemClock())  # migrates the database
    from wall_helpers import event

    for i in range(6):
        await event(app, f"Atelier {i}", app.clock.now() + timedelta(hours=3 + 20 * i), venues=("hangar", "fabrique"))
    server = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), "run"],
                              env=os.environ | {"MAILLAGE_DATABASE_URL": url},
                              stdout=open(folder / "server.log", "wb"), stderr=subprocess.STDOUT)
    rows = []
    try:
        async with httpx.AsyncClient() as http:
            if await wait_for(lambda: server.poll() is None and _healthy(port), 60) == float("inf"):
                raise SystemExit("the server did not start: " + (folder / "server.log").read_text())
            page = (await http.get(f"http://127.0.0.1:{port}/wall")).text
        from adapters.web.wall import CSS, JS, PAGE

        shell = len((PAGE.template + CSS + JS).encode())
        screens = [Screen(port, SCOPES[i % len(SCOPES)]) for i in range(args.clients)]
        opened = time.perf_counter()
        for screen in screens:
            screen.task = asyncio.create_task(screen.run())
        connected = await wait_for(lambda: all(s.drawings for s in screens), 60)
        assert connected != float("inf"), "not every screen got its first drawing"
        rows.append(("screens connected, first drawing each", f"{len(screens)}", f"{connected:.2f} s"))
        del opened
        await asyncio.sleep(1.0)
        before = cpu_seconds(server.pid)
        await asyncio.sleep(args.idle)
        idle = (cpu_seconds(server.pid) - before) / args.idle
        rows.append(("server CPU while idle (share of one core)", f"{args.idle:g} s", f"{idle * 100:.1f} %"))
        latencies: list[float] = []
        changes = [("an event published", "Grand apéro du réseau"), ("an item hidden", None),
                   ("another event published", "Repair café géant")]
        for label, title in changes:
            counts = [len(s.drawings) for s in screens]
            start = time.perf_counter()
            if title:
                await event(app, title, app.clock.now() + timedelta(hours=2), venues=("hangar", "fabrique"))
            else:
                async with app.db.session() as session:
                    first = (await session.execute(_first_event_id())).scalar_one()
                    await moderation.hide(session, moderation.Item("event", first), "bench", app.clock.now())
            reached = await wait_for(lambda: all(len(s.drawings) > c for s, c in zip(screens, counts)), 30)
            times = [s.drawings[-1][0] - start for s, c in zip(screens, counts) if len(s.drawings) > c]
            assert times, f"no screen saw {label}"
            latencies += times
            rows.append((f"{label}: all screens reached", f"{len(times)}/{len(screens)}",
                         f"{reached:.2f} s (p50 {statistics.median(times):.2f}, max {max(times):.2f})"))
            if title:
                assert all(title in s.drawings[-1][1] for s in screens if len(s.drawings) > 1)
        rows.append(("wall page: shell (HTML+CSS+JS) / with data", f"{shell / 1024:.1f} kB",
                     f"{len(page.encode()) / 1024:.1f} kB"))
        worst = max(latencies)
        for screen in screens:
            screen.task.cancel()
        await asyncio.gather(*(s.task for s in screens), return_exceptions=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        await app.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'size':>10}  result")
    for name, size, result in rows:
        print(f"{name.ljust(width)}  {size:>10}  {result}")
    ok = worst <= TARGET_SECONDS and idle < 0.05 and shell < 100 * 1024
    print(f"target: every change on every screen within {TARGET_SECONDS:g} s, idle CPU < 5 %, shell < 100 kB: "
          f"{'met' if ok else 'NOT met'} (worst {worst:.2f} s)")
    return 0 if ok else 1


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _first_event_id():
    from sqlalchemy import func, select

    from storage.models.events import Event

    return select(func.min(Event.id))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
