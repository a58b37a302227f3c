"""What people are told when a feed fails: a category in their language (never the operator's English
detail), the network team told when the cause is ours, and no DNS lookup inside /feed_add."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from sqlalchemy import select

import bot.feeds.sync as feeds_sync
from adapters.sources import ERROR_KINDS
from bot.cli.feeds import status_lines
from bot.i18n import catalogue, placeholders, translate
from feeds_helpers import add_member, add_source, outbox, sync
from storage.models.events import FeedSource
from storage.models.feeds import FeedSourceState
from storage.models.network import Role, Venue


def test_every_error_kind_has_its_text_in_both_languages():
    for locale in ("fr", "en"):
        texts = catalogue(locale)
        for kind in (*ERROR_KINDS, "other"):
            assert f"feeds.error.{kind}" in texts, (locale, kind)
            assert placeholders(texts[f"feeds.error.{kind}"]) == set(), (locale, kind)
    assert "chat" not in translate("fr", "feeds.too_many", venue="X", count=10)
    assert "animator" not in translate("en", "feeds.openagenda_config_only")
    assert "animator" not in translate("en", "feeds.config_only_remove", id=3)


async def test_the_list_shows_the_category_in_the_readers_language(app, memory):
    await add_member(app, "h", "Hugo", host_of="hangar", locale="en")
    source_id = await add_source(app, "hangar", "https://calendar.example.org/cal.ics", origin="chat")
    old_id = await add_source(app, "hangar", "https://calendar.example.org/old.ics", origin="chat")
    transport = httpx.MockTransport(lambda request: httpx.Response(404))
    async with httpx.AsyncClient(transport=transport) as client:
        outcome = await sync(app, source_id, client)
    assert outcome.error_kind == "not_found" and "HTTP 404" in outcome.error
    async with app.db.session() as session:  # a failure recorded before kinds were stored
        old = await session.get(FeedSource, old_id)
        old.error_streak, old.last_error = 2, "calendar.example.org answered HTTP 500"
    hugo = memory.user("h", "Hugo", language="en")
    await hugo.send("/feed_list")
    assert "failing: the link leads nowhere: check the ICS export address." in hugo.text
    assert "failing (2 times in a row): the last read failed" in hugo.text
    assert "HTTP" not in hugo.text
    # The operator keeps the detail, with its category.
    status = "\n".join(await status_lines(app.config))
    assert "[not_found]: https://calendar.example.org/…/cal.ics answered HTTP 404" in status
    assert "[?]: calendar.example.org answered HTTP 500" in status


async def make_venue_zone_invalid(app, slug: str) -> None:
    async with app.db.session() as session:
        venue = (await session.execute(select(Venue).where(Venue.slug == slug))).scalar_one()
        venue.timezone = "Mars/Olympus_Mons"  # parse_ics raises ValueError: a bug-like failure


@pytest.mark.parametrize("cause", ["internal", "openagenda_key"])
async def test_failures_that_are_ours_to_fix_tell_the_network_team_once(app, write, cause):
    await add_member(app, "host-h", "Hugo", host_of="hangar")
    await add_member(app, "animator", "Ada")  # named in the configuration's animators
    chloe = await add_member(app, "chloe", "Chloé", locale="en")
    async with app.db.session() as session:
        session.add(Role(member_id=chloe, role="animator", venue_id=None))
    if cause == "internal":
        await make_venue_zone_invalid(app, "hangar")
        source_id = await add_source(app, "hangar", write("cal.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
    else:
        source_id = await add_source(app, "hangar", "42", kind="openagenda")
        async with app.db.session() as session:
            (await session.get(FeedSource, source_id)).key_env = "MAILLAGE_TEST_MISSING_KEY"
    for _ in range(2):  # the second failure of the streak tells nobody again
        outcome = await sync(app, source_id)
        app.clock.advance(hours=13)
    assert outcome.error_kind == cause
    notices = {row.user_id: row.payload["text"] for row in await outbox(app, "feed_failure")}
    assert sorted(notices) == ["animator", "chloe", "host-h"]
    assert translate("fr", f"feeds.error.{cause}") in notices["host-h"]
    assert "/flux_retirer" not in notices["host-h"]  # a configured feed is not removed from the chat
    assert "maillage feeds status" in notices["chloe"] and "Feed #" in notices["chloe"]


async def test_a_dead_link_does_not_bother_the_network_team(app):
    await add_member(app, "host-h", "Hugo", host_of="hangar")
    await add_member(app, "animator", "Ada")
    source_id = await add_source(app, "hangar", "https://calendar.example.org/gone.ics", origin="chat")
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(410))) as client:
        await sync(app, source_id, client)
    (notice,) = await outbox(app, "feed_failure")
    assert notice.user_id == "host-h" and "/flux_retirer" in notice.payload["text"]


def resolver(answers: dict[str, str | None], asked: list[str] | None = None):
    """A stand-in for the event loop's getaddrinfo: an address per name, or None to never answer;
    the names asked are appended to `asked`."""

    async def getaddrinfo(host, port, *args, **kwargs):
        if asked is not None:
            asked.append(host)
        address = answers.get(host, "93.184.216.34")
        if address is None:
            await asyncio.sleep(3600)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    return getaddrinfo


async def test_feed_add_does_no_dns_lookup_and_the_sync_refuses_private_names(app, memory, monkeypatch):
    """/feed_add holds the write transaction: a DNS server that never answers must not stall it. The
    sync then checks the name (bounded, failing closed) before any fetch."""
    loop = asyncio.get_running_loop()
    asked: list[str] = []
    monkeypatch.setattr(loop, "getaddrinfo", resolver({"stuck.example.org": None, "intranet.example.org": "10.0.0.7"},
                                                      asked))
    monkeypatch.setattr(feeds_sync, "DNS_TIMEOUT", 0.05)
    await add_member(app, "h", "Hugo", host_of="hangar")
    hugo = memory.user("h", "Hugo")
    await asyncio.wait_for(hugo.send("/flux_ajouter https://stuck.example.org/agenda.ics"), 60)
    assert "C'est fait" in hugo.text and asked == []  # no lookup while the transaction is held
    await hugo.send("/flux_ajouter https://intranet.example.org/agenda.ics")
    assert "C'est fait" in hugo.text
    async with app.db.session() as session:
        ids = {source.url.split("/")[2]: source.id for source in (await session.execute(select(FeedSource))).scalars()}
    fetched: list[httpx.Request] = []

    def never(request: httpx.Request) -> httpx.Response:
        fetched.append(request)
        return httpx.Response(200, content=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    async with httpx.AsyncClient(transport=httpx.MockTransport(never)) as client:
        stuck = await sync(app, ids["stuck.example.org"], client)
        private = await sync(app, ids["intranet.example.org"], client)
    assert (stuck.error_kind, private.error_kind) == ("timeout", "private")
    assert fetched == []  # neither address was fetched
    async with app.db.session() as session:
        assert (await session.get(FeedSourceState, ids["intranet.example.org"])).error_kind == "private"


@pytest.mark.parametrize("address, public", [
    ("::ffff:127.0.0.1", False), ("2002:7f00:1::", False), ("64:ff9b::a00:7", False), ("::ffff:8.8.8.8", True),
    ("169.254.169.254", False), ("10.0.0.7", False), ("8.8.8.8", True), ("2001:4860:4860::8888", True),
])
def test_ipv6_forms_of_private_addresses_are_refused(address, public):
    from bot.feeds.urls import _public_literal

    assert _public_literal(address) is public
