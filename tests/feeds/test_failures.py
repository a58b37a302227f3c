"""Feeds that fail: last good events kept, error recorded, hosts told once per streak, others go on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest

from bot.feeds.sync import sync_all
from bot.i18n import translate
from feeds_helpers import add_member, add_source, calendar, count, events, outbox, sync, vevent
from storage.models.events import FeedSource
from storage.models.feeds import FeedSourceState

D = datetime(2026, 11, 27, 18, 30)
GOOD = calendar(vevent("a1", "Repair café", D))
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ics"
FILES = sorted(CORPUS.rglob("*.ics")) if CORPUS.is_dir() else []


class Server:
    """A fake calendar server at the transport level: each path answers what `routes` says."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.routes.get(request.url.path, 404)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(answer)
        etag = '"v1"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304)
        return httpx.Response(200, content=answer, headers={"ETag": etag, "Content-Type": "text/calendar"})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


async def source_row(app, source_id: int) -> FeedSource:
    async with app.db.session() as session:
        return await session.get(FeedSource, source_id)


async def state_row(app, source_id: int) -> FeedSourceState:
    async with app.db.session() as session:
        return await session.get(FeedSourceState, source_id)


@pytest.mark.parametrize(("failure", "kind"), [
    (404, "not_found"), (500, "server_error"), (httpx.ConnectTimeout("slow"), "timeout"),
    (httpx.ConnectError("refused"), "unreachable"), (b"<html>not a calendar</html>", "not_ics"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "truncated")],
    ids=["404", "500", "timeout", "refused", "html", "truncated"])
async def test_a_failing_feed_keeps_its_events_and_tells_hosts_once_per_streak(app, failure, kind):
    await add_member(app, "host-h", "Hugo", host_of="hangar")
    server = Server()
    server.routes["/cal.ics"] = GOOD
    source_id = await add_source(app, "hangar", "https://calendar.example.org/cal.ics")
    async with server.client() as client:
        assert (await sync(app, source_id, client)).status == "updated"
        server.routes["/cal.ics"] = failure
        for _ in range(3):
            app.clock.advance(hours=13)
            outcome = await sync(app, source_id, client)
            assert outcome.status == "failed" and outcome.error and outcome.error_kind == kind
        row = await source_row(app, source_id)
        assert row.error_streak == 3 and row.last_error == outcome.error and row.last_success_at is not None
        assert "Traceback" not in row.last_error and "/cal.ics" not in row.last_error.replace("…/cal.ics", "")
        assert (await state_row(app, source_id)).error_kind == kind
        assert [e.status for e in await events(app)] == ["published"]  # the last good events stay
        (notice,) = await outbox(app, "feed_failure")
        assert notice.user_id == "host-h"
        # The host reads the category in French, never the operator's English detail.
        assert translate("fr", f"feeds.error.{kind}") in notice.payload["text"]
        assert outcome.error not in notice.payload["text"] and "HTTP" not in notice.payload["text"]
        # Success resets the streak; the next failure is a new streak, told once more.
        server.routes["/cal.ics"] = GOOD
        app.clock.advance(hours=13)
        assert (await sync(app, source_id, client)).status in ("updated", "unchanged")
        assert (await source_row(app, source_id)).error_streak == 0
        server.routes["/cal.ics"] = failure
        for _ in range(2):
            app.clock.advance(hours=13)
            await sync(app, source_id, client)
    assert len(await outbox(app, "feed_failure")) == 2


async def test_one_failing_feed_never_stops_the_others(any_app):
    app = any_app
    server = Server()
    server.routes["/good.ics"] = GOOD
    server.routes["/bad.ics"] = b"garbage"
    bad = await add_source(app, "hangar", "https://calendar.example.org/bad.ics")
    good = await add_source(app, "fabrique", "https://calendar.example.org/good.ics")
    missing = await add_source(app, "moulin", "/nonexistent/dir/cal.ics")
    async with server.client() as client:
        outcomes = {o.source_id: o for o in await sync_all(app.db, app.config, app.clock.now(), client, pool=None)}
    assert outcomes[good].status == "updated" and outcomes[good].report.inserted == 1
    assert outcomes[bad].status == "failed" and outcomes[missing].status == "failed"
    assert "file not found" in outcomes[missing].error


async def test_a_not_modified_answer_skips_parsing(app):
    server = Server()
    server.routes["/cal.ics"] = GOOD
    source_id = await add_source(app, "hangar", "https://calendar.example.org/cal.ics")
    async with server.client() as client:
        await sync(app, source_id, client)
        app.clock.advance(minutes=30)
        assert (await sync(app, source_id, client)).status == "unchanged"
    assert server.requests[-1].headers["if-none-match"] == '"v1"'


async def test_chat_feeds_never_read_local_files_or_private_hosts(app):
    local = await add_source(app, "hangar", "/etc/hostname", origin="chat", kind="ics")
    private = await add_source(app, "hangar", "http://127.0.0.1:5432/x.ics", origin="chat")
    async with httpx.AsyncClient() as client:
        refused_local, refused_private = await sync(app, local, client), await sync(app, private, client)
    assert "configuration" in refused_local.error and refused_local.error_kind == "bad_address"
    assert "private" in refused_private.error and refused_private.error_kind == "private"


@pytest.mark.skipif(not FILES, reason="shared ICS corpus not found")
async def test_every_corpus_file_is_imported_or_rejected_with_a_recorded_error(app, tmp_path):
    """Every real-world file through the whole sync (a config source reading a local file)."""
    imported = rejected = 0
    for path in FILES:
        source_id = await add_source(app, "hangar", str(path))
        outcome = await sync(app, source_id)
        row = await source_row(app, source_id)
        if outcome.status == "failed":
            rejected += 1
            assert row.last_error and "internal error" not in row.last_error, (path, row.last_error)
        else:
            imported += 1
            assert row.last_success_at is not None and row.error_streak == 0
    assert imported + rejected == len(FILES)
    assert imported > rejected
    assert await count(app, FeedSource) == len(FILES)
