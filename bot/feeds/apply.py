"""Apply one feed's parse result to the programme, in the caller's transaction.

Per occurrence, keyed by (source, source_uid, recurrence_id):
- known and its fingerprint unchanged: nothing is written (a re-sync of an unchanged feed writes
  no event row and no message);
- known and changed: the event is updated; a new time or place bumps its sequence and tells the
  people going (part A's `notify_change`), a status of cancelled cancels it (`cancel_event`);
- unknown: first matched against this source's own vanished events (a feed whose UIDs change at
  every fetch re-keys its events instead of duplicating them), then against other sources' events
  (bot.feeds.dedupe: merged as a co-host, or inserted with a "same event?" question), else inserted.
Events gone from the feed are cancelled only when they start in the future, inside the parse window,
and the result was not truncated; an incremental read (no window) never cancels anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sources import FeedOccurrence, ParseResult
from bot.config import Config
from bot.events.announce import cancel_event, notify_change
from bot.feeds import dedupe
from bot.feeds.match import normalise
from bot.feeds.records import content_fields, insert_events, new_event_row, occurrence_key, source_tag
from storage.models.events import Event, FeedSource
from storage.models.feeds import FeedLink
from storage.models.network import Venue

log = logging.getLogger(__name__)

Key = tuple[str, str]
_CHUNK = 500  # ids per IN (...) query: well under SQLite's variable limit


@dataclass
class ApplyReport:
    """What one sync did to the programme; printed by `maillage feeds sync`, logged by the job."""

    inserted: int = 0
    updated: int = 0  # every event whose row changed, re-keyed ones included
    unchanged: int = 0
    cancelled: int = 0
    rekeyed: int = 0  # of the updated, those that took a new key from their feed
    merged: int = 0
    questions: int = 0
    unlinked: int = 0
    new_event_ids: list[int] = field(default_factory=list)

    def add(self, other: "ApplyReport") -> None:
        for name in ("inserted", "updated", "unchanged", "cancelled", "rekeyed", "merged", "questions", "unlinked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True, slots=True)
class _Known:
    """An imported event, read as plain columns (cheap for thousands of rows)."""

    id: int
    key: Key
    fingerprint: str | None
    status: str
    starts_at: datetime
    title: str


def chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


async def apply_result(session: AsyncSession, config: Config, source: FeedSource, venue: Venue,
                       result: ParseResult, now: datetime, index: dedupe.ProgrammeIndex | None = None) -> ApplyReport:
    """Apply `result` to `source`'s events. `index`: the sync run's shared programme index (see
    bot.feeds.dedupe), updated here with the events inserted."""
    report = ApplyReport()
    known = await _known_events(session, source.id)
    links = {(link.source_uid, link.recurrence_id): link for link in (await session.execute(
        select(FeedLink).where(FeedLink.source_id == source.id))).scalars()}
    occurrences: dict[Key, FeedOccurrence] = {}
    for occurrence in result.occurrences:
        occurrences.setdefault(occurrence_key(occurrence), occurrence)

    changed: dict[int, FeedOccurrence] = {}
    fresh: list[FeedOccurrence] = []
    for key, occurrence in occurrences.items():
        row = known.get(key)
        if row is not None:
            same_state = (row.status == "cancelled") == (occurrence.status == "cancelled")
            if row.fingerprint == occurrence.fingerprint and same_state:
                report.unchanged += 1
            else:
                changed[row.id] = occurrence
            continue
        link = links.get(key)
        if link is not None:
            await _refresh_link(session, link, occurrence, source, report)
            continue
        if occurrence.status != "cancelled":  # a cancelled occurrence we never showed: nothing to do
            fresh.append(occurrence)

    vanished = _vanished(known, occurrences, result, now)
    fresh = _rekey(fresh, vanished, changed, report)
    await _update(session, config, changed, venue, now, report)
    await _insert(session, config, source, venue, fresh, now, report, index)
    await _cancel_vanished(session, config, source, vanished, now, report)
    await _unlink_vanished(session, source, links, occurrences, result, now, report)
    return report


async def _known_events(session: AsyncSession, source_id: int) -> dict[Key, _Known]:
    rows = await session.execute(select(Event.id, Event.source_uid, Event.recurrence_id, Event.fingerprint,
                                        Event.status, Event.starts_at, Event.title)
                                 .where(Event.feed_source_id == source_id, Event.source == source_tag(source_id)))
    return {(uid or "", rid): _Known(id_, (uid or "", rid), fp, status, starts, title)
            for id_, uid, rid, fp, status, starts, title in rows}


def _in_window(start: datetime, result: ParseResult, now: datetime) -> bool:
    if result.truncated or result.window_start is None or result.window_end is None:
        return False
    return now < start and result.window_start <= start <= result.window_end


def _vanished(known: dict[Key, _Known], occurrences: dict[Key, FeedOccurrence], result: ParseResult,
              now: datetime) -> dict[Key, _Known]:
    """Upcoming, not yet cancelled events of this source that the feed no longer carries."""
    return {key: row for key, row in known.items()
            if key not in occurrences and row.status != "cancelled" and _in_window(row.starts_at, result, now)}


def _rekey(fresh: list[FeedOccurrence], vanished: dict[Key, _Known], changed: dict[int, FeedOccurrence],
           report: ApplyReport) -> list[FeedOccurrence]:
    """Match unknown occurrences to vanished events of the same source: same content, or same start
    and title. Matched ones become updates (with their new key) instead of an insert plus a cancel."""
    if not vanished or not fresh:
        return fresh
    by_print: dict[str, Key] = {}
    by_slot: dict[tuple[datetime, str], Key] = {}
    for key, row in vanished.items():
        if row.fingerprint:
            by_print.setdefault(row.fingerprint, key)
        by_slot.setdefault((row.starts_at, normalise(row.title)), key)
    remaining = []
    for occurrence in fresh:
        key = by_print.get(occurrence.fingerprint)
        if key is None or key not in vanished:
            key = by_slot.get((occurrence.start, normalise(occurrence.title)))
        if key is None or key not in vanished:
            remaining.append(occurrence)
            continue
        row = vanished.pop(key)
        changed[row.id] = occurrence
        report.rekeyed += 1
    return remaining


async def _update(session: AsyncSession, config: Config, changed: dict[int, FeedOccurrence], venue: Venue,
                  now: datetime, report: ApplyReport) -> None:
    ids = list(changed)
    for batch in chunks(ids):
        for event in (await session.execute(select(Event).where(Event.id.in_(batch)))).scalars():
            await _update_one(session, config, event, changed[event.id], venue, now)
            report.updated += 1


async def _update_one(session: AsyncSession, config: Config, event: Event, occurrence: FeedOccurrence,
                      venue: Venue, now: datetime) -> None:
    fields = content_fields(occurrence, venue.timezone)
    moved = (event.starts_at != fields["starts_at"] or event.ends_at != fields["ends_at"]
             or event.location != fields["location"])
    uid, recurrence_id = occurrence_key(occurrence)
    event.source_uid, event.recurrence_id = uid, recurrence_id  # a re-keyed event takes its new key
    for name, value in fields.items():
        setattr(event, name, value)
    event.updated_at = now
    if occurrence.status == "cancelled":
        if event.status != "cancelled":
            await cancel_event(session, config, event, now)
        return
    if event.status == "cancelled":  # back in the feed after being cancelled: on again
        event.status = "published"
        event.cancelled_at = None
        event.sequence += 1
        await session.flush()
        if event.ends_at > now:
            await notify_change(session, config, event, now)
        return
    if moved and event.status == "published":
        event.sequence += 1
        await session.flush()
        if event.ends_at > now:
            await notify_change(session, config, event, now)


async def _insert(session: AsyncSession, config: Config, source: FeedSource, venue: Venue,
                  fresh: list[FeedOccurrence], now: datetime, report: ApplyReport,
                  index: dedupe.ProgrammeIndex | None) -> None:
    if not fresh:
        return
    plan = await dedupe.plan(session, source, venue, fresh, index)
    rows = [new_event_row(occurrence, source, venue.timezone, now) for occurrence in plan.insert]
    ids = await insert_events(session, rows, source.id, venue.id, now)
    report.inserted += len(ids)
    report.new_event_ids.extend(ids)
    if index is not None:
        for row, event_id in zip(rows, ids):
            index.add(event_id, row["title"], row["starts_at"], row["timezone"], row["location"], (venue.id,), source.id)
    await session.flush()
    for occurrence, event_id in plan.merge:
        await dedupe.link(session, config, source, occurrence, event_id, now)
        report.merged += 1
    new_ids = {id(occurrence): event_id for occurrence, event_id in zip(plan.insert, ids)}
    for occurrence, event_id, found in plan.ask:
        if await dedupe.ask(session, config, venue, event_id, new_ids[id(occurrence)], found, now):
            report.questions += 1


async def _cancel_vanished(session: AsyncSession, config: Config, source: FeedSource, vanished: dict[Key, _Known],
                           now: datetime, report: ApplyReport) -> None:
    ids = [row.id for row in vanished.values()]
    for batch in chunks(ids):
        for event in (await session.execute(select(Event).where(Event.id.in_(batch)))).scalars():
            if await dedupe.hand_over(session, event, source, now):
                continue  # another feed still carries it: it stays, owned by that feed
            await cancel_event(session, config, event, now)
            report.cancelled += 1


async def _unlink_vanished(session: AsyncSession, source: FeedSource, links: dict[Key, FeedLink],
                           occurrences: dict[Key, FeedOccurrence], result: ParseResult, now: datetime,
                           report: ApplyReport) -> None:
    """A merged occurrence gone from this feed: the event stays (its owner carries it), but this
    feed's venue stops co-hosting it."""
    gone = [link for key, link in links.items() if key not in occurrences]
    if not gone:
        return
    events = {event.id: event for batch in chunks([link.event_id for link in gone]) for event in
              (await session.execute(select(Event).where(Event.id.in_(batch)))).scalars()}
    for link in gone:
        event = events.get(link.event_id)
        if event is None or not _in_window(event.starts_at, result, now):
            continue
        await dedupe.unlink(session, link, event, source, now)
        report.unlinked += 1


async def _refresh_link(session: AsyncSession, link: FeedLink, occurrence: FeedOccurrence, source: FeedSource,
                        report: ApplyReport) -> None:
    if link.fingerprint == occurrence.fingerprint:
        report.unchanged += 1
        return
    if occurrence.status == "cancelled":
        event = await session.get(Event, link.event_id)
        if event is not None:
            await dedupe.unlink(session, link, event, source, None)
            report.unlinked += 1
        return
    # The owner of the event decides its content; this feed's copy only tells us it is still there.
    link.fingerprint = occurrence.fingerprint
    report.updated += 1

