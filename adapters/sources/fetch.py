"""Fetch a feed's bytes from a URL or a local file: bounded in time and size, conditional when possible.

Every failure becomes a `FeedError` whose message names the host (never the full URL: private
calendar links carry their secret in the path or query) and says what went wrong, and whose `kind`
sorts it for the people told about it (see `http_error_kind`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from adapters.sources.model import FeedError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0  # seconds for the whole request, body included
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Maillage/0.1 (calendar sync; +https://github.com/maillage)"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The body of a feed, or None when the server (or the file) says it has not changed.

    Store `etag`/`last_modified` and pass them back next time; `content_hash` (sha256 of the
    body) lets the sync skip parsing when a server ignores conditional requests.
    """

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


def make_client(*, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> httpx.AsyncClient:
    """An AsyncClient with the settings feeds need; share one across a sync run."""
    kwargs.setdefault("follow_redirects", True)
    kwargs.setdefault("headers", {"User-Agent": USER_AGENT})
    kwargs.setdefault("limits", httpx.Limits(max_connections=10, max_keepalive_connections=5))
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout), **kwargs)


def describe(url: str) -> str:
    """A loggable, shareable name for a URL: scheme, host and the file name only."""
    parts = urlsplit(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{parts.scheme}://{parts.hostname or ''}/…/{name}" if name else f"{parts.scheme}://{parts.hostname}"


async def fetch_feed(
    client: httpx.AsyncClient,
    location: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    allow_local: bool = False,
) -> FetchResult:
    """Fetch an ICS feed from `http(s)://`, `webcal://`, `file://` or a plain path.

    Local files are read only with `allow_local=True`: pass it for sources from the config file,
    never for a URL typed in a chat (a host must not make the bot read the server's files).
    """
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        location = "https" + location[len(parts.scheme) :]
        scheme = "https"
    if scheme in ("http", "https"):
        headers = {"Accept": "text/calendar, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        status, response_headers, body = await get_bytes(
            client, location, headers=headers, max_bytes=max_bytes, timeout=timeout
        )
        if status == 304:
            return FetchResult(None, etag=response_headers.get("etag", etag),
                               last_modified=response_headers.get("last-modified", last_modified))  # fmt: skip
        return FetchResult(
            body,
            etag=response_headers.get("etag"),
            last_modified=response_headers.get("last-modified"),
            content_hash=hashlib.sha256(body).hexdigest(),
        )
    if scheme in ("", "file") or (len(scheme) == 1 and location[1:3] in (":\\", ":/")):
        if not allow_local:
            raise FeedError("local file paths are only accepted in the configuration file", kind="bad_address")
        path = Path(unquote(parts.path) if scheme == "file" else location).expanduser()
        return await asyncio.to_thread(_read_file, path, etag, max_bytes)
    raise FeedError(f"unsupported address {parts.scheme}://…: use an https:// link to the ICS file",
                     kind="bad_address")


async def get_bytes(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Any = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[int, httpx.Headers, bytes]:
    """GET a URL; return (status, headers, body) for 2xx and 304, raise `FeedError` otherwise.

    `timeout` bounds the whole exchange (a server dripping bytes cannot hold a sync forever);
    `max_bytes` bounds the decoded body (a gzip bomb is cut short too).
    """
    name = describe(url)
    try:
        async with asyncio.timeout(timeout):
            # Only what `_read_capped` decodes under the cap (httpx would also offer br and zstd).
            headers = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
            async with client.stream("GET", url, params=params, headers=headers) as response:
                if response.status_code == 304:
                    return 304, response.headers, b""
                if response.status_code >= 400:
                    raise FeedError(f"{name} answered HTTP {response.status_code} {response.reason_phrase}".strip(),
                                    kind=http_error_kind(response.status_code))
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise _too_big(name, max_bytes)
                body = await _read_capped(response, name, max_bytes)
                return response.status_code, response.headers, body
    except (TimeoutError, httpx.TimeoutException):
        raise FeedError(f"{name} did not answer within {timeout:g} s", kind="timeout") from None
    except httpx.TooManyRedirects:
        raise FeedError(f"{name} redirects in a loop", kind="server_error") from None
    except httpx.InvalidURL as exc:
        raise FeedError(f"invalid address: {exc}", kind="bad_address") from None
    except httpx.HTTPError as exc:
        # Connection refused, DNS failure, TLS error...: the class name is the useful part.
        raise FeedError(f"could not reach {name} ({type(exc).__name__}: {exc})", kind="unreachable") from None


class _CappedDecoder:
    """gzip or deflate decoded chunk by chunk, never more than the bytes still allowed at once
    (httpx decodes a whole network chunk in one go: 64 KiB of a gzip bomb is 64 MB in memory)."""

    def __init__(self, encoding: str) -> None:
        self.raw_deflate = encoding == "deflate"
        # 32 + MAX_WBITS: zlib or gzip header, detected; a headerless deflate body is retried raw.
        self.inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)
        self.started = False

    def decode(self, data: bytes, room: int) -> Iterator[bytes]:
        """The decoded bytes of `data`, in pieces, stopping once more than `room` came out."""
        while data:
            try:
                out = self.inflate.decompress(data, room + 1)
            except zlib.error:
                if self.raw_deflate and not self.started:
                    self.inflate, self.raw_deflate = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise
            self.started = True
            room -= len(out)
            yield out
            if room < 0 or self.inflate.eof:
                return
            data = self.inflate.unconsumed_tail


async def _read_capped(response: httpx.Response, name: str, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it grows past `max_bytes` (memory stays near the cap)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FeedError(f"{name} sent its calendar encoded as {encoding[:20]!r}, which is not supported",
                        kind="invalid")
    decoder = _CappedDecoder(encoding) if encoding in ("gzip", "x-gzip", "deflate") else None
    chunks: list[bytes] = []
    size = 0
    try:
        async for raw in response.aiter_raw():
            for piece in decoder.decode(raw, max_bytes - size) if decoder is not None else (raw,):
                size += len(piece)
                if size > max_bytes:
                    raise _too_big(name, max_bytes)
                chunks.append(piece)
    except zlib.error as exc:
        raise FeedError(f"{name} sent a corrupt compressed body ({exc})", kind="invalid") from None
    except httpx.StreamConsumed:  # a response built in memory (a test transport): already read, decoded
        if len(response.content) > max_bytes:
            raise _too_big(name, max_bytes) from None
        return response.content
    return b"".join(chunks)


def http_error_kind(status: int) -> str:
    """The FeedError kind of an HTTP error status (>= 400)."""
    if status in (404, 410):
        return "not_found"
    if status in (401, 403):
        return "forbidden"
    if status == 429 or status >= 500:
        return "server_error"  # the site's trouble: the next sync tries again
    return "refused"


def _too_big(name: str, max_bytes: int) -> FeedError:
    return FeedError(f"{name} is larger than {max_bytes / 1_048_576:g} MB; not imported", kind="too_big")


def _read_file(path: Path, etag: str | None, max_bytes: int) -> FetchResult:
    try:
        stat = path.stat()
        # Size and mtime stand in for an HTTP validator: unchanged file, nothing to parse.
        validator = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        modified = formatdate(stat.st_mtime, usegmt=True)
        if etag == validator:
            return FetchResult(None, etag=validator, last_modified=modified)
        if stat.st_size > max_bytes:
            raise _too_big(path.name, max_bytes)
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    # Local files come from the configuration only: fixing them is the operator's job ("config"),
    # except a missing file, which reads like a dead link to the venue's hosts too.
    except FileNotFoundError:
        raise FeedError(f"file not found: {path}", kind="not_found") from None
    except IsADirectoryError:
        raise FeedError(f"{path} is a directory, not a calendar file", kind="config") from None
    except PermissionError:
        raise FeedError(f"no permission to read {path}", kind="config") from None
    except OSError as exc:
        raise FeedError(f"could not read {path}: {os.strerror(exc.errno or 0) or exc}", kind="config") from None
    if len(body) > max_bytes:
        raise _too_big(path.name, max_bytes)
    return FetchResult(body, etag=validator, last_modified=modified, content_hash=hashlib.sha256(body).hexdigest())
