"""fetch_feed: conditional GET, size and time limits, local files, and clear FeedErrors."""

from __future__ import annotations

import asyncio
import hashlib
import pickle
from pathlib import Path

import httpx
import pytest

from adapters.sources.fetch import describe, fetch_feed, make_client
from adapters.sources.model import FeedError

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
SECRET_URL = "https://calendar.example.org/private-8f3a9c/secret-token/basic.ics?key=abc"


def client_for(handler) -> httpx.AsyncClient:
    return make_client(transport=httpx.MockTransport(handler))


async def test_first_fetch_returns_body_and_validators_then_304_means_not_modified():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, content=ICS, headers={"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 08:00:00 GMT"})

    async with client_for(handler) as client:
        first = await fetch_feed(client, "webcal://calendar.example.org/feed.ics")
        second = await fetch_feed(client, "https://calendar.example.org/feed.ics", etag=first.etag,
                                  last_modified=first.last_modified)  # fmt: skip
    assert first.body == ICS and not first.not_modified
    assert first.content_hash == hashlib.sha256(ICS).hexdigest()
    assert seen[0].url.scheme == "https" and "user-agent" in seen[0].headers
    assert second.not_modified and second.etag == '"v1"'
    assert seen[1].headers["if-modified-since"] == "Wed, 25 Nov 2026 08:00:00 GMT"


@pytest.mark.parametrize(("status", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500")])
async def test_http_errors_name_the_host_but_not_the_secret(status: int, message: str):
    async with client_for(lambda request: httpx.Response(status)) as client:
        with pytest.raises(FeedError, match=message) as caught:
            await fetch_feed(client, SECRET_URL)
    assert "calendar.example.org" in str(caught.value)
    assert "secret-token" not in str(caught.value) and "key=abc" not in str(caught.value)


@pytest.mark.parametrize(("status", "kind"), [(404, "not_found"), (410, "not_found"), (401, "forbidden"),
                                              (403, "forbidden"), (400, "refused"), (405, "refused"),
                                              (429, "server_error"), (500, "server_error"), (503, "server_error")])
async def test_http_errors_carry_their_kind(status: int, kind: str):
    async with client_for(lambda request: httpx.Response(status)) as client:
        with pytest.raises(FeedError) as caught:
            await fetch_feed(client, SECRET_URL)
    assert caught.value.kind == kind


def test_feed_errors_need_a_known_kind_and_keep_it_through_pickling():
    """Parsing runs in worker processes: the error comes back pickled and must keep its kind."""
    error = pickle.loads(pickle.dumps(FeedError("the file is empty", kind="empty")))
    assert isinstance(error, FeedError) and error.kind == "empty" and str(error) == "the file is empty"
    with pytest.raises(ValueError):
        FeedError("x", kind="oops")
    with pytest.raises(TypeError):
        FeedError("x")  # type: ignore[call-arg]


async def test_body_over_the_size_cap_is_refused_even_without_content_length():
    async def stream():
        for _ in range(10):
            yield b"x" * 1000

    async with client_for(lambda request: httpx.Response(200, content=stream())) as client:
        with pytest.raises(FeedError, match="larger than") as caught:
            await fetch_feed(client, "https://example.org/big.ics", max_bytes=5000)
    assert caught.value.kind == "too_big"


async def test_a_server_that_never_finishes_hits_the_total_timeout():
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, content=ICS)

    async with client_for(slow) as client:
        with pytest.raises(FeedError, match="did not answer within 0.05 s") as caught:
            await fetch_feed(client, "https://example.org/slow.ics", timeout=0.05)
    assert caught.value.kind == "timeout"


async def test_connection_failures_become_feed_errors():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with client_for(refuse) as client:
        with pytest.raises(FeedError, match="could not reach https://example.org/…/a.ics") as caught:
            await fetch_feed(client, "https://example.org/a.ics")
    assert caught.value.kind == "unreachable"


async def test_local_files_only_when_allowed_and_unchanged_files_are_not_reread(tmp_path: Path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(ICS)
    async with make_client() as client:
        with pytest.raises(FeedError, match="configuration") as local:
            await fetch_feed(client, str(path))
        first = await fetch_feed(client, str(path), allow_local=True)
        again = await fetch_feed(client, path.as_uri(), etag=first.etag, allow_local=True)
        with pytest.raises(FeedError, match="file not found") as missing:
            await fetch_feed(client, str(tmp_path / "missing.ics"), allow_local=True)
        with pytest.raises(FeedError, match="is a directory") as directory:
            await fetch_feed(client, str(tmp_path), allow_local=True)
        with pytest.raises(FeedError, match="unsupported address") as scheme:
            await fetch_feed(client, "ftp://example.org/a.ics")
    assert (local.value.kind, missing.value.kind, directory.value.kind, scheme.value.kind) == (
        "bad_address", "not_found", "config", "bad_address")
    assert first.body == ICS and first.etag and first.last_modified
    assert again.not_modified


def test_describe_keeps_host_and_file_name_only():
    assert describe(SECRET_URL) == "https://calendar.example.org/…/basic.ics"
