"""The programme mirrored as Discord scheduled events, offline: the real adapter and mirror task, the
core's events in the test database, and a fake Discord that keeps the servers' scheduled events."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from typing import Any

import discord
import pytest_asyncio
from sqlalchemy import delete, select

from adapters.discord.scheduled import MAX_DESCRIPTION, description, event_payload
from bot.config import DiscordConfig
from bot.events.announce import cancel_event
from bot.events.mirror import MirroredEvent, events_to_mirror
from bot.events.queries import set_venues
from bot.i18n import translate
from discord_harness import BOT_ID, CHANNEL_ID, GUILD_ID, DiscordHarness, Recorder, RecordingHTTP, http_error
from storage.models import Venue, VenueChat
from storage.models.discord_mirror import DiscordScheduledEvent
from storage.models.events import Event

OTHER_GUILD = 910000000000000002
OTHER_CHANNEL = 920000000000000002
FOOTER = translate("fr", "discord.mirror_footer")  # the test network speaks French
EVENTS_PATH = re.compile(r"^/guilds/(\d+)/scheduled-events(?:/(\d+))?$")


class GuildsRecorder(Recorder):
    """The recorder, plus what the fake Discord keeps: channels' servers and scheduled events."""

    def __init__(self) -> None:
        super().__init__()
        self.channels: dict[int, int] = {CHANNEL_ID: GUILD_ID, OTHER_CHANNEL: OTHER_GUILD}
        self.scheduled: dict[int, dict[str, Any]] = {}  # every live scheduled event, by id


class ScheduledEventsHTTP(RecordingHTTP):
    """Answers the routes the mirror uses: channels, and guild scheduled events (list, create, edit, delete)."""

    recorder: GuildsRecorder

    def _answer(self, method: str, path: str, payload: dict | None) -> Any:
        found = re.fullmatch(r"/channels/(\d+)", path)
        if method == "GET" and found:
            channel_id = int(found.group(1))
            if channel_id not in self.recorder.channels:
                raise http_error(404, 10003, "Unknown Channel")
            return {"id": str(channel_id), "type": 0, "guild_id": str(self.recorder.channels[channel_id]),
                    "name": "annonces", "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None}
        found = EVENTS_PATH.fullmatch(path)
        if not found:
            return super()._answer(method, path, payload)
        guild_id, event_id = int(found.group(1)), found.group(2) and int(found.group(2))
        scheduled = self.recorder.scheduled
        if method == "GET":
            return [data for data in scheduled.values() if data["guild_id"] == str(guild_id)]
        if method == "POST":
            new_id = next(self.recorder.ids)
            scheduled[new_id] = dict(payload or {}, id=str(new_id), guild_id=str(guild_id), creator_id=str(BOT_ID),
                                     status=1, channel_id=None)
            return scheduled[new_id]
        if event_id not in scheduled:
            raise http_error(404, 10070, "Unknown Guild Scheduled Event")
        if method == "PATCH":
            scheduled[event_id].update(payload or {})
            return scheduled[event_id]
        del scheduled[event_id]  # DELETE
        return None


class MirrorHarness(DiscordHarness):
    http_class = ScheduledEventsHTTP


@pytest_asyncio.fixture
async def mirror(app):
    harness = MirrorHarness(app, GuildsRecorder(), DiscordConfig(mirror_scheduled_events=True))
    await harness.start()
    yield harness
    await harness.stop()
    harness.close()


# -- helpers -------------------------------------------------------------------------------------
async def venue_id(app, slug: str) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()


async def bind(app, slug: str | None, channel_id: int, purpose: str = "announcements") -> None:
    """What /link_venue (or /link_network, with slug None) leaves in the database."""
    venue = await venue_id(app, slug) if slug else None
    async with app.db.session() as session:
        session.add(VenueChat(venue_id=venue, platform="discord", chat_id=str(channel_id), purpose=purpose))


async def publish(app, title: str = "Repair café", *, slugs=("hangar",), days: float = 2, hours: float = 2,
                  status: str = "published", description: str = "On répare ensemble.") -> int:
    starts = app.clock.now() + timedelta(days=days)
    venues = [await venue_id(app, slug) for slug in slugs]
    async with app.db.session() as session:
        event = Event(title=title, description=description, location="Atelier", starts_at=starts,
                      ends_at=starts + timedelta(hours=hours), timezone="Europe/Paris", status=status, audience=[],
                      published_at=app.clock.now())
        session.add(event)
        await session.flush()
        await set_venues(session, event, venues)
        return event.id


async def mirrored(app) -> dict[tuple[int, str], DiscordScheduledEvent]:
    async with app.db.session() as session:
        rows = (await session.execute(select(DiscordScheduledEvent))).scalars()
        return {(row.event_id, row.guild_id): row for row in rows}


def requests(harness, mark: int = 0) -> list[tuple[str, str]]:
    """The scheduled-event requests made since `mark` (channel look-ups left out)."""
    return [(c.method, c.path) for c in harness.recorder.since(mark) if EVENTS_PATH.match(c.path)]


async def tick(harness):
    mark = len(harness.recorder.calls)
    counts = await harness.adapter.mirror.run_once()
    return counts, requests(harness, mark), harness.recorder.since(mark)


# -- creating, editing, cancelling ---------------------------------------------------------------
async def test_a_published_event_becomes_one_scheduled_event_pointing_to_the_bot(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    counts, made, calls = await tick(mirror)
    assert counts.created == 1 and made == [("POST", f"/guilds/{GUILD_ID}/scheduled-events")]
    body = next(c for c in calls if c.method == "POST").payload
    assert body["name"] == "Repair café" and body["entity_type"] == 3 and body["privacy_level"] == 2
    assert body["entity_metadata"] == {"location": "Atelier, Le Hangar (Nantes)"}
    assert body["scheduled_start_time"] == "2026-11-27T09:00:00+00:00"
    assert body["scheduled_end_time"] == "2026-11-27T11:00:00+00:00"
    assert body["description"] == f"On répare ensemble.\n\n{FOOTER}" and "/programme" in FOOTER
    [row] = (await mirrored(app)).values()
    assert (row.event_id, row.guild_id, row.state) == (event_id, str(GUILD_ID), "scheduled")
    assert int(row.scheduled_event_id) in mirror.recorder.scheduled
    counts, made, _ = await tick(mirror)
    assert not counts and made == [], "in sync: nothing is sent again"


async def test_a_time_change_edits_the_scheduled_event_once(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    await tick(mirror)
    async with app.db.session() as session:  # what /event edit does for a new time
        event = await session.get(Event, event_id)
        event.starts_at += timedelta(hours=3)
        event.ends_at += timedelta(hours=3)
        event.sequence += 1
    counts, made, calls = await tick(mirror)
    [row] = (await mirrored(app)).values()
    assert counts.edited == 1 and made == [("PATCH", f"/guilds/{GUILD_ID}/scheduled-events/{row.scheduled_event_id}")]
    assert calls[-1].payload["scheduled_start_time"] == "2026-11-27T12:00:00+00:00"
    assert mirror.recorder.scheduled[int(row.scheduled_event_id)]["scheduled_end_time"] == "2026-11-27T14:00:00+00:00"
    assert row.sequence == 1
    assert (await tick(mirror))[1] == []
    async with app.db.session() as session:  # a new title does not bump the sequence, and is followed too
        (await session.get(Event, event_id)).title = "Repair café géant"
    counts, made, _ = await tick(mirror)
    assert counts.edited == 1 and mirror.recorder.scheduled[int(row.scheduled_event_id)]["name"] == "Repair café géant"


async def test_a_cancellation_cancels_the_scheduled_event_and_nothing_after(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    never_shown = await publish(app, "Atelier annulé", status="cancelled")
    await tick(mirror)
    async with app.db.session() as session:
        await cancel_event(session, app.config, await session.get(Event, event_id), app.clock.now())
    counts, made, calls = await tick(mirror)
    rows = await mirrored(app)
    row = rows[(event_id, str(GUILD_ID))]
    assert counts.cancelled == 1 and calls[-1].method == "PATCH" and calls[-1].payload == {"status": 4}
    assert row.state == "cancelled" and mirror.recorder.scheduled[int(row.scheduled_event_id)]["status"] == 4
    assert (never_shown, str(GUILD_ID)) not in rows, "an event cancelled before it was mirrored never shows"
    assert (await tick(mirror))[1] == []


async def test_a_started_event_that_cannot_be_cancelled_is_deleted(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    await tick(mirror)
    mirror.recorder.fail("PATCH", r"/scheduled-events/\d+$", http_error(400, 180000, "Cannot cancel an active event"))
    async with app.db.session() as session:
        await cancel_event(session, app.config, await session.get(Event, event_id), app.clock.now())
    counts, made, _ = await tick(mirror)
    assert counts.cancelled == 1 and [m for m, _ in made] == ["PATCH", "DELETE"] and not mirror.recorder.scheduled


# -- restarts and duplicates ---------------------------------------------------------------------
async def test_a_restart_creates_no_duplicate(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await publish(app)
    await tick(mirror)
    await mirror.restart()  # a new process: new client, empty caches; the database remembers
    counts, made, _ = await tick(mirror)
    assert not counts and made == []
    assert len(mirror.recorder.scheduled) == 1


async def test_a_creation_the_database_missed_is_adopted_not_duplicated(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    await tick(mirror)
    [shown] = mirror.recorder.scheduled
    async with app.db.session() as session:  # as if the process died between the request and its answer
        row = await session.get(DiscordScheduledEvent, (event_id, str(GUILD_ID)))
        row.state, row.scheduled_event_id, row.digest = "creating", f"pending:{event_id}:{GUILD_ID}", ""
    await mirror.restart()
    counts, made, _ = await tick(mirror)
    assert counts.adopted == 1 and counts.created == 0
    assert [m for m, _ in made] == ["GET", "PATCH"] and list(mirror.recorder.scheduled) == [shown]
    row = (await mirrored(app))[(event_id, str(GUILD_ID))]
    assert (row.scheduled_event_id, row.state) == (str(shown), "scheduled")
    async with app.db.session() as session:  # died before the request left: nothing to adopt, so create
        row = await session.get(DiscordScheduledEvent, (event_id, str(GUILD_ID)))
        row.state, row.scheduled_event_id = "creating", f"pending:{event_id}:{GUILD_ID}"
    mirror.recorder.scheduled.clear()
    counts, made, _ = await tick(mirror)
    assert counts.created == 1 and [m for m, _ in made] == ["GET", "POST"]


async def test_a_cancellation_after_an_interrupted_creation_cancels_what_was_made(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    await tick(mirror)
    [shown] = mirror.recorder.scheduled
    async with app.db.session() as session:
        row = await session.get(DiscordScheduledEvent, (event_id, str(GUILD_ID)))
        row.state, row.scheduled_event_id = "creating", f"pending:{event_id}:{GUILD_ID}"
        await cancel_event(session, app.config, await session.get(Event, event_id), app.clock.now())
    counts, made, _ = await tick(mirror)
    assert counts.cancelled == 1 and made == [("GET", f"/guilds/{GUILD_ID}/scheduled-events"),
                                              ("PATCH", f"/guilds/{GUILD_ID}/scheduled-events/{shown}")]
    assert mirror.recorder.scheduled[shown]["status"] == 4


async def test_an_event_deleted_by_hand_on_discord_is_not_recreated(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    await tick(mirror)
    mirror.recorder.scheduled.clear()  # a moderator deleted it
    async with app.db.session() as session:
        (await session.get(Event, event_id)).title = "Repair café (salle 2)"
    await tick(mirror)
    assert (await mirrored(app))[(event_id, str(GUILD_ID))].state == "deleted"
    counts, made, _ = await tick(mirror)
    assert made == [] and not mirror.recorder.scheduled


# -- which servers ---------------------------------------------------------------------------
async def test_each_server_shows_its_venues_and_the_network_channel_shows_everything(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await bind(app, None, OTHER_CHANNEL, purpose="programme")
    moulin_id = await venue_id(app, "moulin")
    async with app.db.session() as session:  # a Telegram chat is not Discord's business
        session.add(VenueChat(venue_id=moulin_id, platform="telegram", chat_id="-100123"))
    hangar = await publish(app, "Repair café", slugs=("hangar", "fabrique"))
    moulin = await publish(app, "Fête du Moulin", slugs=("moulin",))
    draft = await publish(app, "Brouillon", status="draft")
    await publish(app, "Trop loin", days=60)  # beyond mirror_days_ahead (30)
    counts, _, _ = await tick(mirror)
    assert counts.created == 3
    assert set(await mirrored(app)) == {(hangar, str(GUILD_ID)), (hangar, str(OTHER_GUILD)),
                                        (moulin, str(OTHER_GUILD))}
    assert draft not in {key[0] for key in await mirrored(app)}


async def test_unbinding_a_venue_removes_its_scheduled_events(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    await tick(mirror)
    async with app.db.session() as session:  # what /unlink does
        await session.execute(delete(VenueChat).where(VenueChat.chat_id == str(CHANNEL_ID)))
    counts, made, _ = await tick(mirror)
    assert counts.deleted == 1 and [m for m, _ in made] == ["DELETE"]
    assert not mirror.recorder.scheduled and (event_id, str(GUILD_ID)) not in await mirrored(app)


async def test_a_channel_that_cannot_be_read_does_not_look_unbound(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await publish(app)
    await tick(mirror)
    await mirror.restart()  # forget the channel's server
    mirror.recorder.fail("GET", rf"^/channels/{CHANNEL_ID}$", http_error(503, 0, "unavailable"))
    counts, made, _ = await tick(mirror)
    assert made == [] and len(mirror.recorder.scheduled) == 1, "no deletion on a passing failure"
    counts, made, _ = await tick(mirror)
    assert made == [] and len(await mirrored(app)) == 1


# -- failures ------------------------------------------------------------------------------------
async def test_without_manage_events_a_server_is_skipped_and_logged_once(app, mirror, caplog):
    await bind(app, "hangar", CHANNEL_ID)
    await bind(app, "fabrique", OTHER_CHANNEL)
    await publish(app, "Repair café", slugs=("hangar",))
    await publish(app, "FabLab ouvert", slugs=("fabrique",))
    missing = http_error(403, 50013, "Missing Permissions")
    mirror.recorder.fail("POST", rf"^/guilds/{GUILD_ID}/scheduled-events$", missing, times=2)
    with caplog.at_level(logging.WARNING, logger="adapters.discord.mirror"):
        first, _, _ = await tick(mirror)
        second, _, _ = await tick(mirror)
    assert (first.created, first.skipped_servers, second.created, second.skipped_servers) == (1, 1, 0, 1)
    warnings = [r for r in caplog.records if "Manage Events" in r.getMessage()]
    assert len(warnings) == 1 and str(GUILD_ID) in warnings[0].getMessage()
    assert {key[1] for key in await mirrored(app)} == {str(OTHER_GUILD)}, "the other server is mirrored"
    third, _, _ = await tick(mirror)  # the permission was granted
    assert third.created == 1 and len(mirror.recorder.scheduled) == 2


async def test_a_rate_limit_ends_the_tick_and_the_next_one_resumes(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await publish(app, "Repair café")
    await publish(app, "Atelier vélo", days=3)
    mirror.recorder.fail("POST", r"/scheduled-events$", discord.RateLimited(120.0))
    counts, made, _ = await tick(mirror)
    assert counts.created == 0 and len(made) == 1, "the second creation waits for the next tick"
    counts, _, _ = await tick(mirror)
    assert counts.created == 2 and len(mirror.recorder.scheduled) == 2


async def test_a_server_error_skips_the_server_for_this_tick_only(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await publish(app)
    mirror.recorder.fail("POST", r"/scheduled-events$", http_error(502, 0, "Bad Gateway"))
    counts, _, _ = await tick(mirror)
    assert (counts.created, counts.skipped_servers) == (0, 1)
    assert (await tick(mirror))[0].created == 1


async def test_an_event_starting_now_is_not_created(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await publish(app, days=0.0005)  # in 43 seconds: Discord would refuse a start in the past by then
    counts, made, _ = await tick(mirror)
    assert not counts and made == []


async def test_a_refused_creation_is_tried_again_only_once_the_event_changes(app, mirror, caplog):
    await bind(app, "hangar", CHANNEL_ID)
    event_id = await publish(app)
    mirror.recorder.fail("POST", r"/scheduled-events$", http_error(400, 50035, "Invalid Form Body"))
    with caplog.at_level(logging.WARNING, logger="adapters.discord.mirror"):
        counts, _, _ = await tick(mirror)
    assert counts.created == 0 and "refused to create" in caplog.text
    assert (await mirrored(app))[(event_id, str(GUILD_ID))].state == "refused"
    assert (await tick(mirror))[1] == [], "the same refusal is not asked for every minute"
    async with app.db.session() as session:
        (await session.get(Event, event_id)).description = "On répare ensemble, salle 2."
    counts, _, _ = await tick(mirror)
    assert counts.created == 1 and (await mirrored(app))[(event_id, str(GUILD_ID))].state == "scheduled"


async def test_the_task_mirrors_once_the_client_is_ready_and_stops_with_the_adapter(app, mirror):
    await bind(app, "hangar", CHANNEL_ID)
    await publish(app)
    task_mirror = mirror.adapter.mirror
    task_mirror.start()  # what start(connect=True) does when mirror_scheduled_events is true
    await asyncio.sleep(0.05)
    assert not mirror.recorder.scheduled, "waits for the gateway's READY (the server cache)"
    mirror.client._ready.set()  # READY received
    for _ in range(100):
        if mirror.recorder.scheduled:
            break
        await asyncio.sleep(0.02)
    assert len(mirror.recorder.scheduled) == 1
    task = task_mirror._task
    await mirror.stop()
    assert task is not None and task.done() and task_mirror._task is None


# -- the pure parts ------------------------------------------------------------------------------
def record(**changes) -> MirroredEvent:
    from testkit import T0

    fields = dict(event_id=1, title="Repair café", description="", url=None, starts_at=T0,
                  ends_at=T0 + timedelta(hours=2), location="", status="published", sequence=0, chat_ids=("1",))
    return MirroredEvent(**(fields | changes))


def test_a_long_description_is_cut_but_keeps_its_link_and_footer():
    text = description(record(description="x" * 3000, url="https://lehangar.fr/repair"), FOOTER)
    assert len(text) == MAX_DESCRIPTION and text.endswith(f"…\n\nhttps://lehangar.fr/repair\n{FOOTER}")
    assert description(record(), FOOTER) == FOOTER


def test_limits_and_fallbacks_of_the_payload():
    payload = event_payload(record(title="T" * 150, location="L" * 150, ends_at=record().starts_at),
                            footer=FOOTER, fallback_location="Réseau Test")
    assert len(payload["name"]) == 100 and len(payload["entity_metadata"]["location"]) == 100
    assert payload["scheduled_end_time"] == "2026-11-25T10:00:00+00:00", "an event without length gets an hour"
    assert event_payload(record(), footer="", fallback_location="Réseau Test")["entity_metadata"] == {
        "location": "Réseau Test"}


def test_the_mirror_option_is_accepted_and_its_timings_checked():
    assert DiscordConfig(mirror_scheduled_events=True).problems() == []
    problems = DiscordConfig(mirror_scheduled_events=True, mirror_interval_seconds=1, mirror_days_ahead=0).problems()
    assert [p.split(":")[0] for p in problems] == ["mirror_interval_seconds", "mirror_days_ahead"]


async def test_events_to_mirror_reads_nothing_when_no_chat_is_bound_on_the_platform(app):
    await publish(app)
    async with app.db.session() as session:
        now = app.clock.now()
        assert await events_to_mirror(session, app.config, "discord", now, now + timedelta(days=30)) == []


async def test_events_to_mirror_on_every_database(any_app):
    app = any_app
    await bind(app, "hangar", CHANNEL_ID)
    await bind(app, "fabrique", OTHER_CHANNEL)
    shared = await publish(app, "Repair café", slugs=("fabrique", "hangar"))
    far = await publish(app, "Trop loin", days=60)
    await publish(app, "Au Moulin", slugs=("moulin",))  # no Discord channel shows Le Moulin
    now = app.clock.now()
    async with app.db.session() as session:
        found = await events_to_mirror(session, app.config, "discord", now, now + timedelta(days=30))
        kept = await events_to_mirror(session, app.config, "discord", now, now + timedelta(days=30), keep_ids={far})
    [event] = found
    assert (event.event_id, event.chat_ids) == (shared, (str(OTHER_CHANNEL), str(CHANNEL_ID)))
    assert event.location == "Atelier, La Fabrique (Saint-Nazaire), Le Hangar (Nantes)"
    assert [e.event_id for e in kept] == [shared, far], "an event already shown is followed beyond the horizon"
