"""One event, many sources: merging the same event from two feeds (or a feed and a host's /event).

- `plan` sorts a feed's new occurrences: merge into an existing event (SAME), insert and ask a host
  (BORDERLINE), or insert.
- `link` merges: the occurrence becomes a `FeedLink` to the existing event and its venue a co-host.
- `ask` writes an `EventDuplicateQuestion` once per pair and asks the importing venue's hosts, with
  "same event?" buttons; the imported event is held back from announcements until answered.
- `answer` settles a question (the first host to answer wins).
- `hand_over` keeps an event alive when its owning feed drops it but another feed still carries it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sources import FeedOccurrence
from bot.config import Config
from bot.events.announce import announce_event
from bot.events.queries import members_with_rsvp, set_venues, venue_ids_of, venues_of
from bot.events.render import format_span
from bot.events.rsvp import respond
from bot.feeds.match import Candidate, DayIndex, Match, Verdict, best_match, normalise, place_keys
from bot.feeds.records import add_cohost, occurrence_key, remove_cohost, source_tag
from bot.i18n import Translator
from bot.outbox.notify import notify_member
from bot.types import Button, Reply
from storage.models.events import Event, EventVenue, FeedSource
from storage.models.feeds import EventDuplicateQuestion, FeedLink, FeedSourceState
from storage.models.members import Member
from storage.models.network import Role, Venue

log = logging.getLogger(__name__)

@dataclass
class Plan:
    insert: list[FeedOccurrence] = field(default_factory=list)
    merge: list[tuple[FeedOccurrence, int]] = field(default_factory=list)  # (occurrence, existing event id)
    ask: list[tuple[FeedOccurrence, int, Match]] = field(default_factory=list)  # also in `insert`


async def venue_names(session: AsyncSession) -> dict[int, str]:
    return {venue_id: normalise(name) for venue_id, name in await session.execute(select(Venue.id, Venue.name))}


class ProgrammeIndex:
    """The published events of a period, indexed by (local day, place key), for a whole sync run.

    Loaded once per run (one query, not one per feed: with 100 feeds, per-feed candidate queries
    scanned the events table 100 times), then kept up to date with the events each feed inserts.
    """

    def __init__(self, names: dict[int, str], low: datetime, high: datetime) -> None:
        self.names = names
        self.low, self.high = low, high
        self.days = DayIndex()
        self.loaded = False
        # (venue ids, location) -> place keys: a feed repeats the same few locations, and matching a
        # location against every venue name costs ~100 substring tests (most of a big import's dedupe).
        self._places: dict[tuple[tuple[int, ...], str], frozenset[str]] = {}

    @classmethod
    def lazy(cls, low: datetime, high: datetime) -> "ProgrammeIndex":
        """An index filled from the database by the first `plan` that needs it (a run where no feed
        brings anything new never reads the programme)."""
        return cls({}, low, high)

    @classmethod
    async def load(cls, session: AsyncSession, low: datetime, high: datetime) -> "ProgrammeIndex":
        index = cls({}, low, high)
        await index.fill(session)
        return index

    async def fill(self, session: AsyncSession) -> None:
        index, low, high = self, self.low, self.high
        self.names = await venue_names(session)
        self._places.clear()  # computed against the old names
        self.loaded = True
        rows = list(await session.execute(
            select(Event.id, Event.title, Event.starts_at, Event.timezone, Event.location, Event.feed_source_id)
            .where(Event.status == "published", Event.starts_at >= low, Event.starts_at <= high)))
        hosts: dict[int, list[int]] = {}
        for event_id, venue_id in await session.execute(
                select(EventVenue.event_id, EventVenue.venue_id).join(Event, Event.id == EventVenue.event_id)
                .where(Event.status == "published", Event.starts_at >= low, Event.starts_at <= high)):
            hosts.setdefault(event_id, []).append(venue_id)
        for event_id, title, starts_at, zone, location, source_id in rows:
            index.add(event_id, title, starts_at, zone, location, hosts.get(event_id, ()), source_id)

    def covers(self, occurrences: list[FeedOccurrence]) -> bool:
        return all(self.low <= o.start <= self.high for o in occurrences)

    def places(self, venue_ids: Iterable[int], location: str) -> frozenset[str]:
        """`place_keys` against this index's venue names, memoised."""
        key = (tuple(venue_ids), location)
        found = self._places.get(key)
        if found is None:
            found = self._places[key] = place_keys(key[0], location, self.names)
        return found

    def add(self, event_id: int, title: str, start: datetime, zone: str, location: str, venue_ids,
            source_id: int | None) -> None:
        self.days.add(Candidate(event_id, title, start, zone, self.places(venue_ids, location), source_id))


async def plan(session: AsyncSession, source: FeedSource, venue: Venue, fresh: list[FeedOccurrence],
               index: ProgrammeIndex | None = None) -> Plan:
    """Sort new occurrences into merges, inserts and questions. `index` is the run's shared index;
    without one (or when it does not cover these dates) one is loaded for these occurrences."""
    if index is None or not index.covers(fresh):
        low = min(o.start for o in fresh) - timedelta(days=1)
        high = max(o.start for o in fresh) + timedelta(days=1)
        index = await ProgrammeIndex.load(session, low, high)
    elif not index.loaded:
        await index.fill(session)
    result = Plan()
    for position, occurrence in enumerate(fresh):
        new = Candidate(position, occurrence.title, occurrence.start, occurrence.timezone or venue.timezone,
                        index.places((venue.id,), occurrence.location))
        found = best_match(new, index.days.around(new, exclude_source=source.id))
        if found is not None and found[1].verdict is Verdict.SAME:
            result.merge.append((occurrence, int(found[0].key)))
            continue
        result.insert.append(occurrence)
        if found is not None:
            result.ask.append((occurrence, int(found[0].key), found[1]))
    return result


async def link(session: AsyncSession, config: Config, source: FeedSource, occurrence: FeedOccurrence,
               event_id: int, now: datetime) -> None:
    """Merge a feed occurrence into an existing event: a link, and the feed's venue as co-host."""
    uid, recurrence_id = occurrence_key(occurrence)
    session.add(FeedLink(source_id=source.id, source_uid=uid, recurrence_id=recurrence_id, event_id=event_id,
                         fingerprint=occurrence.fingerprint, created_at=now))
    if await add_cohost(session, event_id, source.venue_id, now):
        event = await session.get(Event, event_id)
        if event is not None and event.announced_at is not None:
            await announce_event(session, config, event, now)  # announced already: only the new venue's chats


async def unlink(session: AsyncSession, link_row: FeedLink, event: Event, source: FeedSource,
                 now: datetime | None) -> None:
    """This feed no longer carries a merged event: drop the link and, unless another of the venue's
    feeds still carries it, the venue's co-hosting."""
    await session.delete(link_row)
    await session.flush()
    others = await session.execute(select(FeedLink.id).join(FeedSource, FeedSource.id == FeedLink.source_id)
                                   .where(FeedLink.event_id == event.id, FeedSource.venue_id == source.venue_id))
    if others.first() is None:
        await remove_cohost(session, event, source.venue_id)


async def hand_over(session: AsyncSession, event: Event, source: FeedSource, now: datetime) -> bool:
    """The owning feed dropped `event`; if another feed carries it, that feed becomes its owner."""
    heir = (await session.execute(select(FeedLink).where(FeedLink.event_id == event.id).order_by(FeedLink.id)
                                  .limit(1))).scalar_one_or_none()
    if heir is None:
        return False
    heir_source = await session.get(FeedSource, heir.source_id)
    if heir_source is None:
        return False
    event.source = source_tag(heir_source.id)
    event.feed_source_id = heir_source.id
    # The event still shows the dropped feed's copy. No fingerprint, and the heir's body marked as
    # never parsed, make the heir's next sync read its own copy and take over its title and time
    # (telling people going if the time or place moves) instead of finding it "unchanged".
    event.source_uid, event.recurrence_id, event.fingerprint = heir.source_uid, heir.recurrence_id, None
    event.updated_at = now
    state = await session.get(FeedSourceState, heir_source.id)
    if state is not None:
        state.parsed_at = None
    await session.delete(heir)
    await session.flush()
    hosts = [venue_id for venue_id in await venue_ids_of(session, event.id) if venue_id != source.venue_id]
    if heir_source.venue_id in hosts:
        hosts.remove(heir_source.venue_id)
    await set_venues(session, event, [heir_source.venue_id, *hosts])
    log.info("event %s: feed %s dropped it, feed %s carries it on", event.id, source.id, heir_source.id)
    return True


# -- borderline: ask a host ---------------------------------------------------------------------------


async def venue_hosts(session: AsyncSession, venue_ids: list[int]) -> list[Member]:
    if not venue_ids:
        return []
    rows = await session.execute(select(Member).join(Role, Role.member_id == Member.id).where(
        Role.role == "host", Role.venue_id.in_(venue_ids)).order_by(Role.id))
    unique: dict[int, Member] = {}
    for member in rows.scalars():
        unique.setdefault(member.id, member)
    return list(unique.values())


async def ask(session: AsyncSession, config: Config, venue: Venue, event_id: int, duplicate_id: int, found: Match,
              now: datetime) -> bool:
    """Ask once whether `duplicate_id` (just imported for `venue`) is `event_id`. Returns True when
    a question was written. With nobody to ask, the question is recorded as "unasked"."""
    exists = await session.execute(select(EventDuplicateQuestion.id).where(
        EventDuplicateQuestion.event_id == event_id, EventDuplicateQuestion.duplicate_id == duplicate_id))
    if exists.first() is not None:
        return False
    question = EventDuplicateQuestion(event_id=event_id, duplicate_id=duplicate_id, score=found.score,
                                      reason=found.reason, status="pending", asked_at=now)
    session.add(question)
    await session.flush()
    hosts = await venue_hosts(session, [venue.id]) or await venue_hosts(session, await venue_ids_of(session, event_id))
    events = {e.id: e for e in (await session.execute(select(Event).where(Event.id.in_([event_id, duplicate_id])))).scalars()}
    hosted = await venues_of(session, [event_id, duplicate_id])
    told = 0
    for member in hosts:
        def render(t: Translator) -> Reply:
            lines = [_summary(events[duplicate_id], hosted.get(duplicate_id, []), t),
                     _summary(events[event_id], hosted.get(event_id, []), t)]
            buttons = ((Button(t("feeds.dup.same_button"), "feed.dup", f"{question.id}:y"),
                        Button(t("feeds.dup.different_button"), "feed.dup", f"{question.id}:n")),)
            return Reply(t("feeds.dup.body", first=lines[0], second=lines[1]), title=t("feeds.dup.title"),
                         buttons=buttons)

        told += await notify_member(session, config, member, render, key=f"feeds:dup:{question.id}:{member.id}",
                                    purpose="feed_duplicate", now=now)
    if not told:
        question.status = "unasked"
    return True


def _summary(event: Event, venues: list[Venue], t: Translator) -> str:
    where = ", ".join(v.name for v in venues) or event.location
    return t("feeds.dup.line", title=event.title, when=format_span(event, event.timezone, t), where=where)


async def answer(session: AsyncSession, config: Config, question: EventDuplicateQuestion, same: bool,
                 member: Member | None, now: datetime) -> str:
    """Settle a question: "same" merges the imported event into the other one. Returns the outcome:
    "merged", "kept", "already" (answered before) or "gone" (one of the events no longer exists)."""
    if question.status not in ("pending", "unasked"):
        return "already"
    event = await session.get(Event, question.event_id)
    duplicate = await session.get(Event, question.duplicate_id)
    if event is None or duplicate is None:
        return "gone"
    question.answered_at = now
    question.answered_by_id = member.id if member is not None else None
    if not same:
        question.status = "different"
        await session.flush()
        if duplicate.status == "published":
            await announce_event(session, config, duplicate, now)
        return "kept"
    question.status = "same"
    await merge(session, config, duplicate, event, now)
    return "merged"


async def merge(session: AsyncSession, config: Config, duplicate: Event, event: Event, now: datetime) -> None:
    """Fold `duplicate` into `event`: its feed key, venues and RSVPs move over, then it is deleted."""
    if duplicate.feed_source_id is not None and duplicate.source_uid is not None:
        session.add(FeedLink(source_id=duplicate.feed_source_id, source_uid=duplicate.source_uid,
                             recurrence_id=duplicate.recurrence_id, event_id=event.id,
                             fingerprint=duplicate.fingerprint, created_at=now))
    for venue_id in await venue_ids_of(session, duplicate.id):
        await add_cohost(session, event.id, venue_id, now)
    movers = [member for member, _rsvp in await members_with_rsvp(session, duplicate.id, ("going", "waitlist"))]
    # The question row cascades with the deleted duplicate: the pair cannot be asked again anyway,
    # since the feed's key now links to `event`.
    await session.execute(delete(Event).where(Event.id == duplicate.id))
    await session.flush()
    if event.status == "published" and event.ends_at > now:
        for member in movers:
            await respond(session, config, event, member, True, now)
        if event.announced_at is not None:
            await announce_event(session, config, event, now)
    log.info("event %s merged into %s", duplicate.id, event.id)
