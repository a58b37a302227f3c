"""The weekly digest: the week's programme across the network, in every linked chat.

Default Monday 9:00 network time (`events.digest_cron`). It covers from now to the end of the ISO
week (Sunday night, network time), goes to each venue announcement chat and the programme chat,
is skipped when the week is empty, and is written once per ISO week and chat (key
`digest:{year}-W{week}:{platform}:{chat}`), however often the job runs.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.cron import cron_trigger
from bot.events.queries import ProgrammeFilter, all_linked_chats, programme, venues_of
from bot.events.render import format_span
from bot.i18n import Translator
from bot.outbox.notify import notify_chat
from bot.types import Reply
from storage.db import Database

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.application import App

log = logging.getLogger(__name__)


def week_bounds(now: datetime, zone: str) -> tuple[str, datetime]:
    """The ISO week label ("2026-W49") of `now` in `zone`, and the instant that week ends."""
    local = now.astimezone(ZoneInfo(zone))
    year, week, weekday = local.isocalendar()
    next_monday = local.date() + timedelta(days=8 - weekday)
    return f"{year}-W{week:02d}", datetime.combine(next_monday, time(0), ZoneInfo(zone))


async def digest(session: AsyncSession, config: Config, now: datetime) -> int:
    """Write this week's digest to every linked chat; returns how many messages were written."""
    zone = config.network.timezone
    label, week_end = week_bounds(now, zone)
    events = await programme(session, ProgrammeFilter(start=now, end=week_end))
    if not events:
        log.info("digest %s skipped: nothing planned", label)
        return 0
    t = Translator(config.network.default_locale)
    limit = config.events.digest_max_events
    hosts = await venues_of(session, [e.id for e in events[:limit]])
    lines = []
    for event in events[:limit]:
        where = ", ".join(v.name for v in hosts.get(event.id, []))
        lines.append(f"• {format_span(event, zone, t, now)} — {event.title} ({where})")
    if len(events) > limit:
        lines.append(t("events.digest.more", count=len(events) - limit))
    lines.append(t("events.digest.footer"))
    reply = Reply("\n".join(lines), title=t("events.digest.title", network=config.network.name), silent=True)
    written = 0
    for chat in await all_linked_chats(session, config):
        written += await notify_chat(session, chat, reply, key=f"digest:{label}:{chat.platform}:{chat.chat_id}",
                                     purpose="digest", now=now)
    return written


async def run(db: Database, config: Config, now: datetime) -> int:
    async with db.session() as session:
        return await digest(session, config, now)


CATCH_UP_WITHIN = timedelta(hours=24)


def missed_fire(cron: str, zone: str, now: datetime) -> datetime | None:
    """The digest time that passed in the last day, in this ISO week, if any: a bot that was down
    then sends it once at start (the per-week key makes a second run harmless)."""
    trigger = cron_trigger(cron, ZoneInfo(zone))
    fire, latest = trigger.get_next_fire_time(None, now - CATCH_UP_WITHIN), None
    while fire is not None and fire <= now:
        latest = fire
        # One second later on the UTC line: local arithmetic would step back into a repeated hour.
        fire = trigger.get_next_fire_time(fire, fire.astimezone(timezone.utc) + timedelta(seconds=1))
    if latest is None or week_bounds(latest, zone)[0] != week_bounds(now, zone)[0]:
        return None
    return latest


def schedule(scheduler: "BaseScheduler", app: "App") -> None:
    async def job() -> None:
        await run(app.db, app.config, app.clock.now())

    config = app.config
    trigger = cron_trigger(config.events.digest_cron, config.network.timezone)
    scheduler.add_job(job, trigger, id="events_digest", replace_existing=True)
    if missed_fire(config.events.digest_cron, config.network.timezone, app.clock.now()) is not None:
        scheduler.add_job(job, "date", id="events_digest_catch_up", replace_existing=True)
