"""The programme mirrored as Discord scheduled events, kept in sync by a periodic task.

With `[discord] mirror_scheduled_events = true`, every `mirror_interval_seconds` the adapter asks
the core which events its bound channels show (`bot.events.mirror.events_to_mirror`: read-only,
platform-free), finds the server of each channel, and reconciles each server's scheduled events:

- a published event not yet shown is created (external, guild only, with its place and times);
- a shown event whose fields changed (time, place, title, text: a digest of what was sent) is edited;
- a cancelled event is cancelled on Discord (deleted if Discord refuses, e.g. once it has started);
- an event no longer in a server's programme (unbound venue, deleted event) is deleted there.

What was created is remembered in `discord_scheduled_events` (one row per event and server, read and
written through `bot.platform_state`: the adapter never opens a session), so a restart never
creates a duplicate. Creating is not idempotent on Discord's side, so the row is
written first, in state "creating", and completed once Discord answers: a row still "creating" at
the next tick means the process died in between, and the server's scheduled events are searched
for one made by this bot with the same name and start, which is adopted rather than made twice. A
scheduled event someone deleted by hand on Discord is not recreated. RSVPs stay in Maillage: each description ends with a
line pointing to the bot.

Failures never stop the bot: without the Manage Events permission a server is skipped (logged once
until it works again), a rate limit ends the tick (the next one resumes), a server error skips the
server for this tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord
from adapters.discord.convert import PLATFORM
from adapters.discord.scheduled import CANCELED, EXTERNAL, SCHEDULED, event_payload, payload_digest, same_start
from bot.events.mirror import MirroredEvent
from bot.i18n import translate
from bot.platform_state import LIVE_MIRROR_STATES as LIVE
from bot.platform_state import MirrorRow as Known
from bot.platform_state import forget_mirrored, mirror_snapshot, save_mirrored

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

T = TypeVar("T")
START_MARGIN = timedelta(minutes=2)  # Discord refuses to create an event whose start has passed
PRUNE_AFTER = timedelta(days=1)  # rows of events over for a day are forgotten
FOOTER_KEY = "discord.mirror_footer"


class _RateLimited(Exception):
    """Discord asked to slow down: the rest waits for the next tick."""


class _Forbidden(Exception):
    """The bot may not manage events in this server."""


class _Transient(Exception):
    """Discord or the network failed for now: this server waits for the next tick."""


@dataclass
class MirrorCounts:
    """What one tick did, for the log and the tests."""

    created: int = 0
    adopted: int = 0
    edited: int = 0
    cancelled: int = 0
    deleted: int = 0
    skipped_servers: int = 0

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


class ScheduledEventMirror:
    def __init__(self, adapter: "DiscordAdapter") -> None:
        self.adapter = adapter
        self._guilds: dict[str, str | None] = {}  # channel id -> server id (None: not a server channel)
        self._forbidden: set[str] = set()  # servers already logged as lacking the permission
        self._lost_channels: set[str] = set()  # channels already logged as unreachable
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None

    @property
    def client(self) -> discord.Client:
        return self.adapter.client

    # -- the periodic task ---------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="discord-scheduled-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        await self.client.wait_until_ready()  # the server cache answers most channel -> server questions
        while True:
            try:
                await self.run_once()
            except Exception:  # a bug must not end the mirror for good, nor the bot
                log.exception("the Discord scheduled-events mirror failed; trying again next time")
            await asyncio.sleep(self.adapter.config.mirror_interval_seconds)

    # -- one tick ------------------------------------------------------------------------------
    async def run_once(self) -> MirrorCounts:
        """Bring every bound server's scheduled events in line with the programme, once."""
        async with self._lock:
            core = self.adapter.core
            if core is None:
                return MirrorCounts()
            tick = _Tick(self, core.clock.now(), translate(core.config.network.default_locale, FOOTER_KEY),
                         core.config.network.name)
            rows, records = await mirror_snapshot(
                core.db, core.config, PLATFORM, tick.now,
                tick.now + timedelta(days=self.adapter.config.mirror_days_ahead),
                prune_before=tick.now - PRUNE_AFTER)
            tick.known = {(row.event_id, row.guild_id): row for row in rows}
            try:
                await tick.run(records)
            except _RateLimited:
                log.info("Discord rate limit while mirroring scheduled events: the rest waits for the next tick")
            if tick.counts:
                log.info("Discord scheduled events mirrored: %s", tick.counts)
            return tick.counts

    # -- shared by the ticks -------------------------------------------------------------------
    async def guild_of(self, chat_id: str) -> tuple[str | None, bool]:
        """The server of a bound channel, and whether that answer is certain (not a passing failure)."""
        if chat_id in self._guilds:
            return self._guilds[chat_id], True
        try:
            channel_id = int(chat_id)
        except ValueError:
            return None, True
        guild = getattr(self.client.get_channel(channel_id), "guild", None)
        if guild is not None:
            found: str | None = str(guild.id)
        else:
            try:
                data = await call(self.client.http.get_channel(channel_id))
            except discord.NotFound:
                self._lost(chat_id, "it no longer exists")
                return None, True
            except (_Forbidden, discord.HTTPException, _Transient) as error:
                self._lost(chat_id, f"it cannot be read ({error})")
                return None, False
            found = str(data["guild_id"]) if data.get("guild_id") else None
        self._guilds[chat_id] = found
        return found, True

    def _lost(self, chat_id: str, why: str) -> None:
        if chat_id not in self._lost_channels:
            self._lost_channels.add(chat_id)
            log.warning("Discord channel %s is bound to the programme but %s: its events are not mirrored "
                        "(use /unlink there, or give the bot access)", chat_id, why)

    def forbidden(self, guild_id: str) -> None:
        if guild_id not in self._forbidden:
            self._forbidden.add(guild_id)
            log.warning("Discord server %s: the bot lacks the Manage Events permission, so the programme is not "
                        "mirrored there. Grant it (Server Settings > Roles) or set mirror_scheduled_events = false.",
                        guild_id)

    def allowed(self, guild_id: str) -> None:
        if guild_id in self._forbidden:
            self._forbidden.discard(guild_id)
            log.info("Discord server %s: scheduled events can be managed again", guild_id)


async def call(request: Awaitable[T]) -> T:
    """One Discord request, its failures sorted into what the mirror does about them.

    `discord.NotFound` and other 4xx refusals come through as they are: what to do depends on the
    request.
    """
    try:
        return await request
    except discord.RateLimited as error:  # longer than max_ratelimit_wait: discord.py gave up waiting
        raise _RateLimited(str(error)) from error
    except discord.Forbidden as error:
        raise _Forbidden(str(error)) from error
    except discord.NotFound:
        raise
    except discord.HTTPException as error:
        if error.status == 429:
            raise _RateLimited(str(error)) from error
        if error.status >= 500:
            raise _Transient(str(error)) from error
        raise
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
        raise _Transient(f"{type(error).__name__}: {error}") from error


class _Tick:
    """One reconciliation: what the programme wants, what Discord has, and the requests in between."""

    def __init__(self, mirror: ScheduledEventMirror, now: datetime, footer: str, network: str) -> None:
        self.mirror = mirror
        self.now = now
        self.footer = footer
        self.network = network
        self.known: dict[tuple[int, str], Known] = {}
        self.counts = MirrorCounts()
        self._listings: dict[str, list[dict[str, Any]]] = {}  # each server's scheduled events, if fetched

    @property
    def http(self) -> Any:
        return self.mirror.client.http

    async def run(self, records: list[MirroredEvent]) -> None:
        wanted: dict[str, dict[int, MirroredEvent]] = {}
        certain = True
        for record in records:
            for chat_id in record.chat_ids:
                guild_id, sure = await self.mirror.guild_of(chat_id)
                certain = certain and sure
                if guild_id is not None:
                    wanted.setdefault(guild_id, {})[record.event_id] = record
        shown = {known.guild_id for known in self.known.values() if known.state in LIVE}
        for guild_id in sorted(set(wanted) | shown):
            # No permission check from the cache: without the members intent the bot is not told
            # when it gets a new role, so the server's answer is the only reliable one (a refusal
            # a minute per server is far below Discord's invalid-request limit).
            try:
                for record in wanted.get(guild_id, {}).values():
                    await self._sync(guild_id, record)
                # Removing is only safe when every bound channel's server is known for sure: a
                # channel that failed to resolve this time must not look like an unbound one.
                if certain:
                    await self._remove_stale(guild_id, wanted.get(guild_id, {}))
            except _Forbidden:
                self.mirror.forbidden(guild_id)
                self.counts.skipped_servers += 1
            except (_Transient, discord.HTTPException) as error:  # HTTPException: e.g. the bot left the server
                log.warning("Discord server %s: scheduled events not mirrored this time (%s)", guild_id, error)
                self.counts.skipped_servers += 1

    # -- one event in one server ---------------------------------------------------------------
    async def _sync(self, guild_id: str, record: MirroredEvent) -> None:
        known = self.known.get((record.event_id, guild_id))
        if known is not None and known.state in ("cancelled", "deleted"):
            return  # cancelled, or deleted by someone on Discord: not brought back
        payload = event_payload(record, footer=self.footer, fallback_location=self.network)
        digest = payload_digest(payload)
        if record.status == "cancelled":
            if known is not None:
                await self._cancel_known(known, record, payload)
            return
        if known is not None and known.state == "refused" and known.digest == digest:
            return  # Discord refused exactly this: try again only once the event changes
        if known is None or known.state in ("creating", "refused"):
            if record.starts_at > self.now + START_MARGIN:
                await self._create(guild_id, record, payload, digest,
                                   interrupted=known is not None and known.state == "creating")
            return
        if known.digest != digest:
            await self._edit(known, record, payload, digest)

    async def _create(self, guild_id: str, record: MirroredEvent, payload: dict, digest: str, *,
                      interrupted: bool) -> None:
        if interrupted:  # an earlier creation may have reached Discord: look before making another
            adopted = await self._orphan(guild_id, payload)
            if adopted is not None:
                await self._edit(Known(record.event_id, guild_id, adopted, "", "scheduled", record.ends_at),
                                 record, payload, digest, adopting=True)
                return
        pending = f"pending:{record.event_id}:{guild_id}"
        await self._save(record, guild_id, pending, "", "creating")
        try:
            created = await call(self.http.create_guild_scheduled_event(guild_id, **payload))
        except (_Forbidden, _RateLimited):  # refused before anything was made: no pending creation
            await self._forget(self.known[(record.event_id, guild_id)])
            raise
        except discord.HTTPException as error:  # a refusal of this event (a 5xx is _Transient: maybe made)
            log.warning("Discord refused to create a scheduled event for event %s in server %s: %s",
                        record.event_id, guild_id, error)
            await self._save(record, guild_id, pending, digest, "refused")
            return
        self.mirror.allowed(guild_id)
        await self._save(record, guild_id, str(created["id"]), digest, "scheduled")
        self.counts.created += 1

    async def _orphan(self, guild_id: str, payload: dict) -> str | None:
        """A scheduled event this bot created for this event but did not get to remember."""
        if guild_id not in self._listings:
            self._listings[guild_id] = list(await call(self.http.get_scheduled_events(guild_id, False)))
        bot_id = str(self.mirror.client.user.id) if self.mirror.client.user else None
        remembered = {known.scheduled_event_id for known in self.known.values()}
        for data in self._listings[guild_id]:
            if (str(data.get("creator_id")) == bot_id and data.get("entity_type") == EXTERNAL
                    and data.get("status") == SCHEDULED and str(data.get("id")) not in remembered
                    and data.get("name") == payload["name"] and same_start(data, payload)):
                return str(data["id"])
        return None

    async def _edit(self, known: Known, record: MirroredEvent, payload: dict, digest: str, *,
                    adopting: bool = False) -> None:
        try:
            await call(self.http.edit_scheduled_event(known.guild_id, known.scheduled_event_id, **payload))
        except discord.NotFound:
            await self._deleted_on_discord(known, record)
            return
        except discord.HTTPException as error:
            # Refused as it is (e.g. a new start once Discord shows it as started): keep the digest,
            # or the same request would be refused again every minute.
            log.warning("Discord refused to edit scheduled event %s for event %s: %s",
                        known.scheduled_event_id, record.event_id, error)
        else:
            if adopting:
                self.counts.adopted += 1
            else:
                self.counts.edited += 1
        self.mirror.allowed(known.guild_id)
        await self._save(record, known.guild_id, known.scheduled_event_id, digest, "scheduled")

    async def _cancel_known(self, known: Known, record: MirroredEvent, payload: dict) -> None:
        if known.state == "creating":  # the creation may have reached Discord: cancel what it made
            made = await self._orphan(known.guild_id, payload)
            if made is not None:
                known = replace(known, scheduled_event_id=made, state="scheduled")
        if known.state == "scheduled":
            await self._cancel(known, record)
        else:  # nothing on Discord to cancel
            await self._save(record, known.guild_id, known.scheduled_event_id, known.digest, "cancelled")

    async def _cancel(self, known: Known, record: MirroredEvent) -> None:
        try:
            await call(self.http.edit_scheduled_event(known.guild_id, known.scheduled_event_id, status=CANCELED))
        except discord.NotFound:
            await self._deleted_on_discord(known, record)
            return
        except discord.HTTPException:
            # Only a scheduled (not started) event can be cancelled: delete a started one instead.
            await self._delete(known.guild_id, known.scheduled_event_id)
        self.mirror.allowed(known.guild_id)
        await self._save(record, known.guild_id, known.scheduled_event_id, known.digest, "cancelled")
        self.counts.cancelled += 1

    async def _remove_stale(self, guild_id: str, wanted: dict[int, MirroredEvent]) -> None:
        """Delete what this server shows but should not any more (unbound venue, deleted event)."""
        for known in list(self.known.values()):
            if known.guild_id != guild_id or known.state not in LIVE or known.event_id in wanted:
                continue
            if known.ends_at > self.now and known.state == "scheduled":
                await self._delete(guild_id, known.scheduled_event_id)
                self.counts.deleted += 1
            await self._forget(known)

    async def _delete(self, guild_id: str, scheduled_event_id: str) -> None:
        try:
            await call(self.http.delete_scheduled_event(guild_id, scheduled_event_id))
        except discord.NotFound:
            pass  # already gone: that is what was wanted
        self.mirror.allowed(guild_id)

    async def _deleted_on_discord(self, known: Known, record: MirroredEvent) -> None:
        log.info("scheduled event %s (event %s) was deleted on Discord: not recreated",
                 known.scheduled_event_id, record.event_id)
        await self._save(record, known.guild_id, known.scheduled_event_id, known.digest, "deleted")

    # -- the mapping ---------------------------------------------------------------------------
    async def _save(self, record: MirroredEvent, guild_id: str, scheduled_event_id: str, digest: str,
                    state: str) -> None:
        # Written right after each request, in its own transaction: the window in which a crash
        # would forget a created event is as short as it can be (and `_orphan` covers it).
        core = self.mirror.adapter.core
        assert core is not None
        row = Known(record.event_id, guild_id, scheduled_event_id, digest, state, record.ends_at)
        await save_mirrored(core.db, row, sequence=record.sequence)
        self.known[(record.event_id, guild_id)] = row

    async def _forget(self, known: Known) -> None:
        core = self.mirror.adapter.core
        assert core is not None
        await forget_mirrored(core.db, known.event_id, known.guild_id)
        self.known.pop((known.event_id, known.guild_id), None)
