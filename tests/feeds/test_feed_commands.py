"""/feed_add, /feed_list, /feed_remove for hosts; config feeds synced into sources; personal data."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from bot.config import EventsConfig, FeedConfig
from bot.feeds.config_feeds import sync_config_feeds
from feeds_helpers import add_member, add_source, events, sync
from storage.models.events import FeedSource


async def sources(app) -> list[FeedSource]:
    async with app.db.session() as session:
        return list((await session.execute(select(FeedSource).order_by(FeedSource.id))).scalars())


async def test_a_host_adds_lists_and_removes_a_feed(app, memory):
    await add_member(app, "h", "Hugo", host_of="hangar")
    hugo = memory.user("h", "Hugo")
    await hugo.send("/flux_ajouter https://93.184.216.34/agenda.ics")
    assert "Le Hangar importe maintenant" in hugo.text
    (source,) = await sources(app)
    assert source.origin == "chat" and source.kind == "ics"
    await hugo.send("/flux_ajouter https://93.184.216.34/agenda.ics")
    assert "déjà" in hugo.text
    await hugo.send("/flux")
    assert f"n°{source.id}" in hugo.text and "pas encore lu" in hugo.text
    await hugo.send(f"/flux_retirer {source.id}")
    await hugo.press("Le retirer")
    assert "retiré" in hugo.text and await sources(app) == []


async def test_bad_links_get_a_clear_answer(app, memory):
    await add_member(app, "h", "Hugo", host_of="hangar", locale="en")
    hugo = memory.user("h", "Hugo", language="en")
    for link, words in [("ftp://x.org/a.ics", "https://"), ("http://127.0.0.1:8080/a.ics", "not public"),
                        ("http://localhost/a.ics", "not public"), ("http://10.1.2.3/a.ics", "not public"),
                        ("http://[::1]/a.ics", "not public"), ("openagenda:123", "configuration file"),
                        ("/etc/passwd", "https://"), ("https://u:p@x.org/a.ics", "password")]:
        await hugo.send(f"/feed_add {link}")
        assert words in hugo.text, (link, hugo.text)
    assert await sources(app) == []


async def test_only_hosts_of_the_venue_can_touch_its_feeds(app, memory):
    await add_member(app, "m", "Marc", host_of="moulin")
    marc = memory.user("m", "Marc")
    await marc.send("/flux_ajouter https://93.184.216.34/a.ics hangar")
    assert "Pour lequel de tes lieux" in marc.text
    other = await add_source(app, "hangar", "https://93.184.216.34/b.ics", origin="chat")
    await marc.send(f"/flux_retirer {other}")
    assert "Je ne connais pas" in marc.text
    from bot.types import Button
    await marc.press(Button("x", "feed.rm", str(other)))
    assert len(await sources(app)) == 1
    stranger = memory.user("s", "Sam")
    await stranger.send("/flux")
    assert "n°" not in stranger.text


async def test_config_feeds_become_sources_once_and_leave_disabled(app, tmp_path):
    feeds = (FeedConfig("hangar", "https://example.org/h.ics"), FeedConfig("fabrique", "openagenda:42", "OA_KEY"),
             FeedConfig("moulin", str(tmp_path / "m.ics")))
    config = dataclasses.replace(app.config, events=EventsConfig(feeds=feeds))
    for _ in range(2):
        async with app.db.session() as session:
            await sync_config_feeds(session, config)
    rows = await sources(app)
    assert [(r.kind, r.url, r.key_env, r.enabled) for r in rows] == [
        ("ics", "https://example.org/h.ics", None, True), ("openagenda", "42", "OA_KEY", True),
        ("file", str(tmp_path / "m.ics"), None, True)]
    async with app.db.session() as session:
        await sync_config_feeds(session, dataclasses.replace(config, events=EventsConfig(feeds=feeds[:1])))
    assert [r.enabled for r in await sources(app)] == [True, False, False]
    outcome = await sync(app, rows[1].id)  # disabled: skipped
    assert outcome.status == "skipped"


async def test_openagenda_without_its_key_fails_clearly(app):
    source_id = await add_source(app, "fabrique", "42", kind="openagenda")
    async with app.db.session() as session:
        row = await session.get(FeedSource, source_id)
        row.key_env = "MAILLAGE_TEST_MISSING_KEY"
    outcome = await sync(app, source_id)
    assert outcome.status == "failed" and "MAILLAGE_TEST_MISSING_KEY" in outcome.error
    assert await events(app) == []
