"""Feeds: odd spellings of loopback are refused when the feed is added (the sync's own check), and a
gzip bomb is cut at the size cap while it is decompressed, not after."""

from __future__ import annotations

import gzip
import sys
import tracemalloc
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from adapters.sources.fetch import get_bytes
from adapters.sources.model import FeedError
from bot.feeds.urls import chat_url_problem, resolves_public
from storage.models.events import FeedSource

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "feeds"))
from feeds_helpers import add_member  # noqa: E402

ODD_LOOPBACKS = ["http://0x7f000001/a.ics", "http://127.1/a.ics", "http://①②⑦.0.0.1/a.ics",
                 "http://ip6-localhost/a.ics", "http://2130706433/a.ics", "http://0177.0.0.1/a.ics",
                 "http://１２７.０.０.１/a.ics", "http://localhost.localdomain/a.ics"]


@pytest.mark.parametrize("url", ODD_LOOPBACKS)
async def test_the_form_check_and_the_sync_check_refuse_odd_loopback_forms(url):
    assert chat_url_problem(url) == "url_private"
    assert not await resolves_public(urlsplit(url).hostname)


def test_public_addresses_still_pass():
    for url in ("https://93.184.216.34/agenda.ics", "https://agenda.example.org/lieu.ics", "webcal://cafe.fr/x.ics"):
        assert chat_url_problem(url) is None, url


async def test_feed_add_refuses_them_without_taking_a_slot(app, memory):
    await add_member(app, "h", "Hugo", host_of="hangar")
    hugo = memory.user("h", "Hugo")
    for url in ODD_LOOPBACKS:
        await hugo.send(f"/flux_ajouter {url}")
        assert "pas publique" in hugo.text, (url, hugo.text)
    async with app.db.session() as session:
        assert (await session.execute(select(FeedSource))).first() is None


def _bomb_transport(body: bytes, encoding: str) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(
        200, headers={"content-encoding": encoding, "content-type": "text/calendar"}, stream=httpx.ByteStream(body)))


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_compression_bomb_is_cut_at_the_cap_with_memory_near_it(encoding):
    unpacked = b"BEGIN:VCALENDAR\r\n" + b"X" * (48 * 1024 * 1024)
    body = gzip.compress(unpacked, 6) if encoding == "gzip" else zlib.compress(unpacked, 6)
    del unpacked
    cap = 1024 * 1024
    async with httpx.AsyncClient(transport=_bomb_transport(body, encoding)) as client:
        tracemalloc.start()
        try:
            with pytest.raises(FeedError) as caught:
                await get_bytes(client, "https://example.org/a.ics", max_bytes=cap)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert caught.value.kind == "too_big"
    assert peak < 8 * cap, f"peak {peak / 1e6:.0f} MB for a {cap / 1e6:.0f} MB cap"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "identity"])
async def test_compressed_calendars_under_the_cap_are_read_whole(encoding):
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + b"X-PAD:" + b"y" * 300_000 + b"\r\nEND:VCALENDAR\r\n"
    if encoding == "gzip":
        body = gzip.compress(calendar)
    elif encoding == "deflate":
        body = zlib.compress(calendar)
    elif encoding == "raw-deflate":
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(calendar) + packer.flush()
    else:
        body = calendar
    header = "deflate" if encoding == "raw-deflate" else encoding
    async with httpx.AsyncClient(transport=_bomb_transport(body, header)) as client:
        status, _, read = await get_bytes(client, "https://example.org/a.ics", max_bytes=1024 * 1024)
    assert status == 200 and read == calendar


async def test_an_unsupported_encoding_is_a_clear_error():
    async with httpx.AsyncClient(transport=_bomb_transport(b"...", "br")) as client:
        with pytest.raises(FeedError) as caught:
            await get_bytes(client, "https://example.org/a.ics")
    assert "not supported" in str(caught.value)
