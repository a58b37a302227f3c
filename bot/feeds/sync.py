"""Syncing calendar feeds into the programme: one source (`sync_source`) or all (`sync_all`).

A source's sync has three phases, so slow work never holds a database transaction:
1. read the source's row and state (short transaction);
2. fetch (conditional: ETag / Last-Modified) and parse, outside any transaction; parsing is CPU
   work, done in a process pool when many feeds sync at once, else in a thread;
3. apply the result, record success, announce what is due (one short transaction per feed, under a
   lock shared by the run, so two feeds carrying the same event never race to insert it twice).
The sources, their state and the run's programme index are read in read-only sessions (on SQLite a
snapshot that takes no write lock); the only write transactions are each feed's apply (or failure).
Unchanged feeds stop after phase 2 without parsing: the server says 304, or the body's sha256 is the
one parsed last time (re-parsed anyway every `REPARSE_AFTER`, as the horizon moves forward and
brings new occurrences of recurring events). Any failure — a `FeedError`, or a bug — is recorded on
the source, its last good events stay, and the other feeds go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from adapters.sources import FeedError, ParseResult, fetch_feed, fetch_openagenda, make_client, parse_ics
from bot.config import Config
from bot.feeds.announce import announce_due
from bot.feeds.apply import ApplyReport, apply_result
from bot.feeds.dedupe import ProgrammeIndex
from bot.feeds.health import label, record_failure, record_success, state_of
from bot.feeds.urls import DNS_TIMEOUT, WEB_SCHEMES, make_public_client, resolves_public
from storage.db import Database
from storage.models.events import FeedSource
from storage.models.feeds import FeedSourceState
from storage.models.network import Venue

log = logging.getLogger(__name__)

REPARSE_AFTER = timedelta(hours=12)  # an unchanged body is expanded again after this
FULL_READ_AFTER = timedelta(hours=24)  # OpenAgenda: a full read (which may cancel) at least this often
CURSOR_MARGIN = timedelta(minutes=10)  # OpenAgenda updatedAt watermark slack for clock skew
DEFAULT_CONCURRENCY = 8
POOL_MIN_SOURCES = 4  # fewer sources than this: parse in a thread, a process pool costs more to start
POOL_WORKERS = 2


@dataclass
class SourceOutcome:
    """What happened to one source in a sync run."""

    source_id: int
    label: str
    venue: str
    status: str  # updated | unchanged | failed | skipped
    report: ApplyReport | None = None
    error: str | None = None  # the operator's detail (English)
    error_kind: str | None = None  # its category, FeedError.kind: what people are told
    warnings: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class _Snapshot:
    id: int
    kind: str
    url: str
    key_env: str | None
    origin: str
    etag: str | None
    last_modified: str | None
    cursor: str | None
    venue_slug: str
    venue_zone: str
    content_hash: str | None
    parsed_at: datetime | None
    full_read_at: datetime | None
    label: str


@dataclass
class _Fetched:
    result: ParseResult | None  # None: unchanged, nothing to apply
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    cursor: str | None = None
    full_read: bool = False


async def sync_source(db: Database, config: Config, source: FeedSource | int, now: datetime,
                      client: httpx.AsyncClient, *, pool: Executor | None = None,
                      write_lock: asyncio.Lock | None = None,
                      public_client: httpx.AsyncClient | None = None,
                      index: ProgrammeIndex | None = None) -> SourceOutcome:
    """Sync one source; never raises (a failure is recorded on the source and returned).

    `client` fetches configured feeds; `public_client` (default: `client`) fetches feeds added from a
    chat and should refuse private addresses (see bot.feeds.urls.make_public_client).
    """
    source_id = source if isinstance(source, int) else source.id
    snapshot = (await _snapshots(db, [source_id])).get(source_id)
    if snapshot is None:
        return SourceOutcome(source_id, "?", "?", "skipped")
    return await _sync_snapshot(db, config, snapshot, now, client, pool, write_lock, public_client, index)


async def _sync_snapshot(db: Database, config: Config, snapshot: _Snapshot, now: datetime,
                         client: httpx.AsyncClient, pool: Executor | None, write_lock: asyncio.Lock | None,
                         public_client: httpx.AsyncClient | None, index: ProgrammeIndex | None) -> SourceOutcome:
    started = time.perf_counter()
    source_id = snapshot.id
    outcome = SourceOutcome(source_id, snapshot.label, snapshot.venue_slug, "unchanged")
    try:
        fetched = await _fetch_and_parse(config, snapshot, now, client, public_client or client, pool)
        async with write_lock or contextlib.nullcontext():
            outcome.report = await _apply(db, config, snapshot, fetched, now, index)
        if fetched.result is not None:
            outcome.status = "updated"
            outcome.warnings = len(fetched.result.warnings)
    except FeedError as error:
        outcome.status, outcome.error = "failed", str(error) or "the feed could not be read"
        outcome.error_kind = error.kind
    except Exception as error:  # a bug must not stop the other feeds: record it, log the traceback
        log.exception("syncing feed %s failed unexpectedly", source_id)
        outcome.status, outcome.error = "failed", f"internal error while syncing ({type(error).__name__})"
        outcome.error_kind = "internal"
    if outcome.error is not None:
        async with write_lock or contextlib.nullcontext():
            await _record_failure(db, config, source_id, outcome.error, outcome.error_kind or "internal", now)
    outcome.seconds = time.perf_counter() - started
    return outcome


async def sync_all(db: Database, config: Config, now: datetime, client: httpx.AsyncClient | None = None, *,
                   venue: str | None = None, concurrency: int = DEFAULT_CONCURRENCY,
                   pool: Executor | None | str = "auto") -> list[SourceOutcome]:
    """Sync every enabled source (of one venue, by slug, if given), `concurrency` at a time.

    pool "auto" starts a process pool for the run when there are at least POOL_MIN_SOURCES sources.
    """
    async with db.read_session() as session:  # reads only: no write lock
        statement = select(FeedSource.id).join(Venue, Venue.id == FeedSource.venue_id).where(
            FeedSource.enabled.is_(True)).order_by(FeedSource.id)
        if venue is not None:
            statement = statement.where(Venue.slug == venue)
        ids = list((await session.execute(statement)).scalars())
    if not ids:
        return []
    own_pool = None
    if pool == "auto":
        pool = own_pool = ProcessPoolExecutor(POOL_WORKERS) if len(ids) >= POOL_MIN_SOURCES else None
    own_clients = []
    if client is None:
        client, public_client = make_client(), make_public_client()
        own_clients = [client, public_client]
    else:
        public_client = client
    limit = asyncio.Semaphore(max(1, concurrency))
    write_lock = asyncio.Lock()
    horizon = timedelta(days=config.events.feed_horizon_days + 2)
    index = ProgrammeIndex.lazy(now - timedelta(days=2), now + horizon)  # loaded by the first feed with news

    # One read for every source's row and state, before any feed writes: a read per source would wait
    # for the write lock each time on SQLite (transactions there begin IMMEDIATE).
    snapshots = await _snapshots(db, ids)

    async def one(source_id: int) -> SourceOutcome:
        snapshot = snapshots.get(source_id)
        if snapshot is None:
            return SourceOutcome(source_id, "?", "?", "skipped")
        async with limit:
            return await _sync_snapshot(db, config, snapshot, now, client, pool, write_lock, public_client, index)

    try:
        return list(await asyncio.gather(*(one(source_id) for source_id in ids)))
    finally:
        for own in own_clients:
            await own.aclose()
        if own_pool is not None:
            own_pool.shutdown(wait=False, cancel_futures=True)


async def _snapshots(db: Database, ids: list[int]) -> dict[int, _Snapshot]:
    """The enabled sources among `ids`, with their venue and state, read in one short transaction."""
    found: dict[int, _Snapshot] = {}
    async with db.read_session() as session:  # reads only: no write lock
        for batch in (ids[start:start + 500] for start in range(0, len(ids), 500)):
            rows = await session.execute(
                select(FeedSource, Venue.slug, Venue.timezone, FeedSourceState)
                .join(Venue, Venue.id == FeedSource.venue_id)
                .outerjoin(FeedSourceState, FeedSourceState.source_id == FeedSource.id)
                .where(FeedSource.id.in_(batch), FeedSource.enabled.is_(True)))
            for source, slug, zone, state in rows:
                found[source.id] = _Snapshot(
                    source.id, source.kind, source.url, source.key_env, source.origin, source.etag,
                    source.last_modified, source.cursor, slug, zone, state.content_hash if state else None,
                    state.parsed_at if state else None, state.full_read_at if state else None, label(source))
    return found


async def _fetch_and_parse(config: Config, snap: _Snapshot, now: datetime, client: httpx.AsyncClient,
                           public_client: httpx.AsyncClient, pool: Executor | None) -> _Fetched:
    horizon = config.events.feed_horizon_days
    if snap.kind == "openagenda":
        return await _openagenda(snap, now, client, horizon)
    from_chat = snap.origin != "config"
    parts = urlsplit(snap.url)
    if from_chat and parts.scheme.lower() in WEB_SCHEMES:  # (a local path is refused by fetch_feed)
        try:
            public = await asyncio.wait_for(resolves_public(parts.hostname or ""), DNS_TIMEOUT)
        except TimeoutError:  # fail closed: an address not checked is not fetched
            raise FeedError(f"resolving {parts.hostname} took more than {DNS_TIMEOUT:g} s",
                            kind="timeout") from None
        if not public:
            raise FeedError("this address is private; only public calendar links are accepted", kind="private")
    reparse = snap.parsed_at is None or now - snap.parsed_at >= REPARSE_AFTER
    fetched = await fetch_feed(public_client if from_chat else client, snap.url,
                               etag=None if reparse else snap.etag,
                               last_modified=None if reparse else snap.last_modified,
                               allow_local=not from_chat)
    unchanged = fetched.not_modified or (fetched.content_hash == snap.content_hash and not reparse)
    if unchanged:
        return _Fetched(None, fetched.etag, fetched.last_modified, snap.content_hash)
    assert fetched.body is not None
    parse = partial(parse_ics, fetched.body, now=now, horizon_days=horizon, default_tz=snap.venue_zone)
    if pool is not None:
        result = await asyncio.get_running_loop().run_in_executor(pool, parse)
    else:
        result = await asyncio.to_thread(parse)
    return _Fetched(result, fetched.etag, fetched.last_modified, fetched.content_hash)


async def _openagenda(snap: _Snapshot, now: datetime, client: httpx.AsyncClient, horizon: int) -> _Fetched:
    if not snap.key_env or not os.environ.get(snap.key_env):
        raise FeedError(f"the OpenAgenda key is missing: set the environment variable {snap.key_env or '(key_env)'}",
                        kind="openagenda_key")
    full = snap.cursor is None or snap.full_read_at is None or now - snap.full_read_at >= FULL_READ_AFTER
    since = None if full else _parse_cursor(snap.cursor)
    result = await fetch_openagenda(client, snap.url, os.environ[snap.key_env], since, now=now, horizon_days=horizon)
    cursor = (now - CURSOR_MARGIN).astimezone(timezone.utc).isoformat()
    return _Fetched(result, cursor=cursor, full_read=since is None)


def _parse_cursor(cursor: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(cursor) if cursor else None
    except ValueError:
        return None


async def _apply(db: Database, config: Config, snap: _Snapshot, fetched: _Fetched, now: datetime,
                 index: ProgrammeIndex | None) -> ApplyReport | None:
    if fetched.result is not None and index is not None and not index.loaded:
        # The run's programme index (every published event of the horizon) is read from a snapshot,
        # before this feed's write transaction: on SQLite nobody waits while it loads.
        async with db.read_session() as session:
            await index.fill(session)
    async with db.session() as session:
        source = await session.get(FeedSource, snap.id)
        venue = await session.get(Venue, source.venue_id) if source is not None else None
        if source is None or venue is None:
            return None  # removed while we were fetching
        state = await state_of(session, source.id)
        report = None
        if fetched.result is not None:
            report = await apply_result(session, config, source, venue, fetched.result, now, index)
            state.content_hash = fetched.content_hash
            state.parsed_at = now
            state.occurrences = len(fetched.result.occurrences)
            state.warnings = list(fetched.result.warnings)
            state.calendar_name = (fetched.result.calendar_name or None) and fetched.result.calendar_name[:200]
            state.updated_at = now
            if fetched.full_read:
                state.full_read_at = now
            if fetched.cursor is not None:
                source.cursor = fetched.cursor
        source.etag = fetched.etag[:300] if fetched.etag else None
        source.last_modified = fetched.last_modified[:100] if fetched.last_modified else None
        record_success(source, now)
        await announce_due(session, config, source.id, now)
        return report


async def _record_failure(db: Database, config: Config, source_id: int, error: str, kind: str,
                          now: datetime) -> None:
    try:
        async with db.session() as session:
            source = await session.get(FeedSource, source_id)
            if source is not None:
                await record_failure(session, config, source, error, kind, now)
    except Exception:
        log.exception("could not record the failure of feed %s", source_id)
