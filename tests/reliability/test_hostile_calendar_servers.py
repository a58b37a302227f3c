"""Calendar feeds served by hostile servers (issue 18, "under load"): a real HTTP server on loopback
serves a 100 MB ICS (with and without Content-Length), a gzip bomb (1 GiB of zeros in 1 MB), a body
dripped one byte a second, redirects to private addresses and a redirect loop, next to one good
feed. One `sync_all` runs them together: each hostile feed is cut short (size or total time), fails
with its recorded kind, and the good feed is imported as if nothing happened.

The server stands for public hosts: feed URLs use made-up names that a small transport sends to the
loopback server (the test's own DNS). The client carries the chat feeds' request guard
(`bot.feeds.urls`), which checks every hop, so a redirect to 169.254.169.254 or to 127.0.0.1 is
refused before any connection. (The other guard, on the address connected to, would refuse the
loopback server itself, so it is left out here.)
"""

from __future__ import annotations

import asyncio
import struct
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

from adapters.sources import make_client
from adapters.sources.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, fetch_feed
from adapters.sources.model import FeedError
from bot.feeds.sync import sync_all
from bot.feeds.urls import _guard
from storage.models.events import Event, FeedSource
from storage.models.feeds import FeedSourceState
from testkit import add_source

MB = 1024 * 1024
HUGE = 100 * MB
BOMB_MIB = 1024


def _ics(uids: range) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:u{n}@hostile\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261210T180000Z\r\n"
        f"DTEND:20261210T200000Z\r\nSUMMARY:Atelier {n}\r\nEND:VEVENT\r\n" for n in uids)
    return events.encode()


GOOD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + _ics(range(3)) + b"END:VCALENDAR\r\n"


def gzip_bomb(mebibytes: int) -> bytes:
    """A valid gzip stream of `mebibytes` MiB of zeros, about 1 KB per MiB, built in a moment: after a
    full flush each MiB compresses to the same bytes, so one block is repeated."""
    zeros = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    # 0x03 0x00: an empty final block; then the gzip trailer (CRC-32, size mod 2^32).
    return first + block * (mebibytes - 1) + b"\x03\x00" + struct.pack("<II", crc, (mebibytes * MB) & 0xFFFFFFFF)


@dataclass
class HostileServer:
    """A small HTTP/1.1 server: one route per kind of hostility; counts what each route sent."""

    bomb: bytes
    port: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    served: dict[str, float] = field(default_factory=dict)  # path -> seconds the connection stayed open
    _server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def settled(self, path: str, timeout: float = 15.0) -> None:
        """Wait until the connection on `path` is over (the server notices a hang-up at its next write)."""
        deadline = time.monotonic() + timeout
        while path not in self.served and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        started = time.monotonic()
        path = "?"
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode()
            await self._answer(path, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up: what these servers are waiting for
        finally:
            self.served[path] = time.monotonic() - started
            writer.close()

    async def _write(self, path: str, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.sent[path] = self.sent.get(path, 0) + len(data)

    async def _answer(self, path: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = "HTTP/1.1 {status}\r\nConnection: close\r\n{headers}\r\n"
        if path == "/good.ics":
            await self._write(path, writer, head.format(
                status="200 OK", headers=f"Content-Type: text/calendar\r\nContent-Length: {len(GOOD)}\r\n").encode())
            await self._write(path, writer, GOOD)
        elif path in ("/huge.ics", "/huge-declared.ics"):
            # 100 MB of real events; the second says its size up front, the first does not.
            length = f"Content-Length: {HUGE}\r\n" if path == "/huge-declared.ics" else ""
            await self._write(path, writer, head.format(status="200 OK", headers=f"Content-Type: text/calendar\r\n{length}").encode())
            chunk = _ics(range(600))  # ~100 KB
            await self._write(path, writer, b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
            while self.sent[path] < HUGE:
                await self._write(path, writer, chunk)
        elif path == "/bomb.ics":
            await self._write(path, writer, head.format(status="200 OK", headers=(
                f"Content-Type: text/calendar\r\nContent-Encoding: gzip\r\nContent-Length: {len(self.bomb)}\r\n")).encode())
            for start in range(0, len(self.bomb), 16 * 1024):
                await self._write(path, writer, self.bomb[start:start + 16 * 1024])
        elif path == "/drip.ics":
            # Headers at once, then a byte a second: every read is quick, the whole never ends.
            await self._write(path, writer, head.format(status="200 OK", headers="Content-Type: text/calendar\r\n").encode())
            for byte in GOOD * 100:
                await self._write(path, writer, bytes([byte]))
                try:  # a second's pause, cut short when the client hangs up (end of file)
                    if await asyncio.wait_for(reader.read(1), 1.0) == b"":
                        return
                except TimeoutError:
                    pass
        elif path.startswith("/to/"):
            targets = {"/to/metadata": "http://169.254.169.254/latest/meta-data/",
                       "/to/loopback": f"http://127.0.0.1:{self.port}/good.ics",
                       "/to/localhost": "http://localhost:5432/x.ics",
                       "/to/mapped": "http://[::ffff:10.0.0.1]/x.ics",
                       "/to/loop-a": "/to/loop-b", "/to/loop-b": "/to/loop-a"}
            await self._write(path, writer, head.format(status="302 Found", headers=(
                f"Location: {targets[path]}\r\nContent-Length: 0\r\n")).encode())
        else:
            await self._write(path, writer, head.format(status="404 Not Found", headers="Content-Length: 0\r\n").encode())


class LoopbackDns(httpx.AsyncHTTPTransport):
    """Sends requests for the made-up public names to the loopback server (the Host header stays)."""

    def __init__(self, names: set[str], port: int) -> None:
        super().__init__()
        self.names, self.port = names, port

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.names:  # a copy: httpx builds the next hop from the original
            request = httpx.Request(request.method, request.url.copy_with(host="127.0.0.1", port=self.port),
                                    headers=request.headers, stream=request.stream, extensions=request.extensions)
        return await super().handle_async_request(request)


NAMES = {"calendar.example.org", "agenda.example.net", "drip.example.com", "bomb.example.com", "big.example.com"}


@pytest_asyncio.fixture
async def server() -> AsyncIterator[HostileServer]:
    made = HostileServer(bomb=gzip_bomb(BOMB_MIB))
    await made.start()
    yield made
    await made.close()


def guarded_client(server: HostileServer, **kwargs) -> httpx.AsyncClient:
    """The feeds' client, with the chat feeds' request guard (every hop), over the test DNS."""
    return make_client(transport=LoopbackDns(NAMES, server.port), event_hooks={"request": [_guard]}, **kwargs)


def test_the_bomb_is_a_valid_gzip_stream():
    import gzip

    assert gzip.decompress(gzip_bomb(3)) == bytes(3 * MB)
    assert len(gzip_bomb(BOMB_MIB)) < 1.1 * MB


HOSTILE = {  # source URL path -> the kind recorded on the source
    "http://big.example.com/huge.ics": "too_big",
    "http://big.example.com/huge-declared.ics": "too_big",
    "http://bomb.example.com/bomb.ics": "too_big",
    "http://drip.example.com/drip.ics": "timeout",
    "http://agenda.example.net/to/metadata": "private",
    "http://agenda.example.net/to/loopback": "private",
    "http://agenda.example.net/to/localhost": "private",
    "http://agenda.example.net/to/mapped": "private",
    "http://agenda.example.net/to/loop-a": "server_error",
}


async def test_hostile_servers_are_cut_short_and_the_good_feed_goes_on(app, server):
    """Figures: every hostile feed fails with its kind; the sync takes about the total timeout (20 s,
    set by the drip), the cap (5 MB) bounds what is read and the memory allocated stays far from the
    100 MB and 1 GiB offered."""
    ids = {url: await add_source(app, "hangar", url) for url in HOSTILE}
    good = await add_source(app, "fabrique", "http://calendar.example.org/good.ics")
    tracemalloc.start()
    started = time.monotonic()
    try:
        async with guarded_client(server) as client:
            outcomes = {o.source_id: o for o in await sync_all(app.db, app.config, app.clock.now(), client,
                                                               concurrency=len(ids) + 1, pool=None)}
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert outcomes[good].status == "updated" and outcomes[good].report.inserted == 3
    async with app.db.session() as session:
        states = {s.source_id: s for s in (await session.execute(select(FeedSourceState))).scalars()}
        sources = {s.id: s for s in (await session.execute(select(FeedSource))).scalars()}
        titles = sorted((await session.execute(select(Event.title))).scalars())
    assert titles == ["Atelier 0", "Atelier 1", "Atelier 2"], "nothing of the hostile feeds was imported"
    recorded = {url: (outcomes[i].status, states[i].error_kind) for url, i in ids.items()}
    assert recorded == {url: ("failed", kind) for url, kind in HOSTILE.items()}
    for url, source_id in ids.items():
        assert sources[source_id].last_error, url  # the operator's detail is written down
    assert "did not answer within 20 s" in outcomes[ids["http://drip.example.com/drip.ics"]].error
    assert "loop" in outcomes[ids["http://agenda.example.net/to/loop-a"]].error

    # Bounds: time (the drip is cut at the total timeout, whatever the per-read timeout), size and memory.
    assert elapsed < DEFAULT_TIMEOUT + 30, f"the sync took {elapsed:.1f} s"
    await server.settled("/drip.ics")
    assert server.served["/drip.ics"] < DEFAULT_TIMEOUT + 10, "the dripping connection was closed by us"
    assert server.sent.get("/good.ics", 0) > 0 and "/to/metadata" in server.served
    assert server.sent["/huge.ics"] < HUGE / 2, "the 100 MB body is not read to its end"
    assert server.sent.get("/huge-declared.ics", 0) < HUGE / 2
    assert peak < 64 * MB, f"peak allocation {peak / MB:.0f} MiB"
    print(f"\nhostile sync: {elapsed:.1f} s; huge.ics: {server.sent['/huge.ics'] / MB:.1f} MB sent of 100 "
          f"before the cut at {DEFAULT_MAX_BYTES / MB:g} MB; bomb of {len(server.bomb) / 1024:.0f} KB "
          f"(1 GiB decoded) cut at {DEFAULT_MAX_BYTES / MB:g} MB decoded; peak allocation {peak / MB:.1f} MiB")


async def test_a_dripping_server_hits_the_total_time_limit_not_the_read_timeout(server):
    """Each byte comes well within the per-read timeout (5 s); only the total limit stops it."""
    async with guarded_client(server, timeout=5.0) as client:
        started = time.monotonic()
        with pytest.raises(FeedError) as refused:
            await fetch_feed(client, "http://drip.example.com/drip.ics", timeout=3.0)
        elapsed = time.monotonic() - started
    assert refused.value.kind == "timeout"
    assert elapsed < 3.0 + 10  # bounded: 3 s asked, generous room for a loaded machine
    assert server.sent["/drip.ics"] < 200  # a few bytes, not the body
    await server.settled("/drip.ics")
    assert "/drip.ics" in server.served, "the dripping connection was closed by us"


@pytest.mark.parametrize("path", ["/to/metadata", "/to/loopback", "/to/localhost", "/to/mapped"])
async def test_every_redirect_hop_is_checked_before_connecting(server, path):
    async with guarded_client(server) as client:
        with pytest.raises(FeedError) as refused:
            await fetch_feed(client, f"http://agenda.example.net{path}")
    assert refused.value.kind == "private"
    # Only the redirecting route was asked: the private target was never reached (not even our
    # loopback server's good.ics behind /to/loopback).
    assert "/good.ics" not in server.served


async def test_without_the_guard_the_same_redirect_would_be_followed(server):
    """The control: the loopback redirect is a real one; only the guard stops it."""
    async with make_client(transport=LoopbackDns(NAMES, server.port)) as client:
        fetched = await fetch_feed(client, "http://agenda.example.net/to/loopback")
    assert fetched.body == GOOD


async def test_a_redirect_loop_is_refused_after_a_bounded_number_of_hops(server):
    async with guarded_client(server) as client:
        with pytest.raises(FeedError) as refused:
            await fetch_feed(client, "http://agenda.example.net/to/loop-a")
    assert refused.value.kind == "server_error" and "loop" in str(refused.value)
    assert set(server.served) <= {"/to/loop-a", "/to/loop-b"}
