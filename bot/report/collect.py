"""Counting what the live tables say, per day, venue and dimension: the only code that reads personal rows.

`flows` counts what happened on each day of a range (bucketed in the network time zone); `Stocks`
replays the levels (members, skills) day by day. The aggregation (`bot.report.aggregate`) writes
their results as anonymous counts; the report never reads the live tables for a closed day.

Every count is written for the whole network (venue 0) and for the venue concerned. A person's
venue is their home venue; an event's is its main venue (co-hosts get `events.hosted`); an
introduction counts for each venue of its members. Custom skills (a member's own wording) are left
out: their label would otherwise outlive the member in the aggregates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.report.days import day_of, start_of
from storage.models import Identity, Member, MemberSkill, OutboxMessage, Skill
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.matchmaking import REVEALED, Introduction, IntroductionMember
from storage.models.report import NETWORK
from storage.models.runtime import OutboxStatus

Key = tuple[str, int, str]  # (metric, venue_id, dim)
DayCounts = dict[date, Counter]  # day -> Counter[Key]

ACTIVE_WINDOW = timedelta(days=30)
ACTIVE_FRESH = timedelta(days=2)  # "active" needs last-seen times, only right for days just over


def _add(out: DayCounts, day: date, metric: str, venues: Iterable[int | None], dim: str = "", n: int = 1) -> None:
    counter = out[day]
    counter[(metric, NETWORK, dim)] += n
    for venue in set(v for v in venues if v):
        counter[(metric, venue, dim)] += n


async def flows(session: AsyncSession, first: date, last: date, zone: ZoneInfo, *,
                exclude_member: int | None = None) -> DayCounts:
    """What happened on each day from `first` to `last` (included), optionally as if one member
    had never been there (the erasure counts the difference)."""
    lo, hi = start_of(first, zone), start_of(last + timedelta(days=1), zone)
    out: DayCounts = defaultdict(Counter)
    await _members(session, out, lo, hi, zone, exclude_member)
    await _events(session, out, lo, hi, zone, exclude_member)
    await _introductions(session, out, lo, hi, zone)
    await _messages(session, out, lo, hi, zone, exclude_member)
    return out


async def _members(session, out, lo, hi, zone, exclude) -> None:
    query = select(Member.created_at, Member.home_venue_id).where(Member.created_at >= lo, Member.created_at < hi)
    if exclude is not None:
        query = query.where(Member.id != exclude)
    for created, venue in await session.execute(query):
        _add(out, day_of(created, zone), "members.new", [venue])


async def _events(session, out, lo, hi, zone, exclude) -> None:
    """Events held (published, by their start day), with their hosts, RSVPs and visitors."""
    held = (Event.status == "published", Event.starts_at >= lo, Event.starts_at < hi)
    events = {eid: (starts, venue, capacity, audience or []) for eid, starts, venue, capacity, audience in
              await session.execute(select(Event.id, Event.starts_at, Event.venue_id, Event.capacity, Event.audience)
                                    .where(*held))}
    hosts: dict[int, list[int]] = defaultdict(list)
    for eid, venue in await session.execute(select(EventVenue.event_id, EventVenue.venue_id)
                                            .join(Event, Event.id == EventVenue.event_id).where(*held)
                                            .order_by(EventVenue.event_id, EventVenue.position)):
        hosts[eid].append(venue)
    going: dict[int, list[int | None]] = defaultdict(list)
    query = (select(Rsvp.event_id, Member.home_venue_id).join(Member, Member.id == Rsvp.member_id)
             .join(Event, Event.id == Rsvp.event_id).where(Rsvp.status == "going", *held))
    if exclude is not None:
        query = query.where(Rsvp.member_id != exclude)
    for eid, home in await session.execute(query):
        going[eid].append(home)
    for eid, (starts, main, capacity, audience) in events.items():
        day = day_of(starts, zone)
        venues = hosts.get(eid) or ([main] if main else [])
        main = venues[0] if venues else None
        _add(out, day, "events.held", [main])
        for venue in venues:
            out[day][("events.hosted", venue, "")] += 1
        if len(set(venues)) > 1:
            _add(out, day, "events.cohosted", venues)
            ordered = sorted(set(venues))
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    out[day][("pair.cohost", a, str(b))] += 1
        for tag in audience:
            _add(out, day, "events.audience", [main], str(tag)[:80])
        people = going.get(eid, [])
        _add(out, day, "events.rsvps", [main], n=len(people))
        if capacity:
            _add(out, day, "events.capacity", [main], n=capacity)
            _add(out, day, "events.capped_going", [main], n=len(people))
        visitors = sum(1 for home in people if home is not None and home not in venues)
        if visitors:
            _add(out, day, "events.cross", [main])
            _add(out, day, "events.visitors", [main], n=visitors)


async def _introductions(session, out, lo, hi, zone) -> None:
    """Introductions survive /forget anonymised (venues and flags kept): no member to leave out."""
    slots: dict[int, list[int | None]] = defaultdict(list)
    proposed = (Introduction.created_at >= lo, Introduction.created_at < hi)
    accepted = (Introduction.status == REVEALED, Introduction.revealed_at >= lo, Introduction.revealed_at < hi)
    for condition in (proposed, accepted):
        for iid, venue in await session.execute(
                select(IntroductionMember.introduction_id, IntroductionMember.venue_id)
                .join(Introduction, Introduction.id == IntroductionMember.introduction_id).where(*condition)):
            slots[iid].append(venue)
    for iid, created, cross, need_offer in await session.execute(
            select(Introduction.id, Introduction.created_at, Introduction.cross_venue, Introduction.need_offer)
            .where(*proposed)):
        day, venues = day_of(created, zone), slots.get(iid, [])
        _add(out, day, "intros.proposed", venues)
        if cross:
            _add(out, day, "intros.cross", venues)
        if need_offer:
            _add(out, day, "intros.need_offer", venues)
        ordered = sorted({v for v in venues if v})
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                out[day][("pair.intro", a, str(b))] += 1
    for iid, revealed in await session.execute(select(Introduction.id, Introduction.revealed_at).where(*accepted)):
        _add(out, day_of(revealed, zone), "intros.accepted", slots.get(iid, []))
    for met_at, venue in await session.execute(
            select(IntroductionMember.met_at, IntroductionMember.venue_id)
            .where(IntroductionMember.met == "yes", IntroductionMember.met_at >= lo, IntroductionMember.met_at < hi)):
        _add(out, day_of(met_at, zone), "intros.met", [venue])


async def _messages(session, out, lo, hi, zone, exclude) -> None:
    """Messages delivered to members (chats and announcements are not a member's attention)."""
    query = (select(OutboxMessage.sent_at, OutboxMessage.nudge, Member.home_venue_id)
             .join(Member, Member.id == OutboxMessage.member_id)
             .where(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at >= lo, OutboxMessage.sent_at < hi))
    if exclude is not None:
        query = query.where(OutboxMessage.member_id != exclude)
    for sent, nudge, venue in await session.execute(query):
        _add(out, day_of(sent, zone), "messages.nudge" if nudge else "messages.transactional", [venue])


class Stocks:
    """The levels at the end of each day, replayed from when each row began (members, skills).

    Built once for a range of days (`await Stocks.load(...)`), then `at(day)` gives the counts at the
    end of that day. Opt-in to introductions is today's setting (no history of it is kept); active
    members (seen in the last 30 days) are only known for days that just ended.
    """

    def __init__(self, items: list[tuple[datetime, Key]], seen: list[tuple[datetime, int | None]],
                 zone: ZoneInfo, now: datetime) -> None:
        self.items = sorted(items, key=lambda item: item[0])
        self.seen = seen
        self.zone = zone
        self.now = now
        self.level: Counter = Counter()
        self._next = 0

    @classmethod
    async def load(cls, session: AsyncSession, last: date, zone: ZoneInfo, now: datetime) -> "Stocks":
        hi = start_of(last + timedelta(days=1), zone)
        items: list[tuple[datetime, Key]] = []
        for created, venue, intros in await session.execute(
                select(Member.created_at, Member.home_venue_id, Member.intro_opt_in).where(Member.created_at < hi)):
            for v in {NETWORK, venue or NETWORK}:
                items.append((created, ("members.total", v, "")))
                if intros:
                    items.append((created, ("members.intros_on", v, "")))
        for created, kind, slug, venue in await session.execute(
                select(MemberSkill.created_at, MemberSkill.kind, Skill.slug, Member.home_venue_id)
                .join(Skill, Skill.id == MemberSkill.skill_id).join(Member, Member.id == MemberSkill.member_id)
                .where(Skill.custom.is_(False), MemberSkill.kind.in_(("offer", "need")), MemberSkill.created_at < hi)):
            for v in {NETWORK, venue or NETWORK}:
                items.append((created, (f"skills.{kind}", v, slug)))
        seen = list(await session.execute(
            select(func.max(Identity.last_seen_at), Member.home_venue_id).join(Member, Member.id == Identity.member_id)
            .group_by(Identity.member_id, Member.home_venue_id)))
        return cls(items, seen, zone, now)

    def fresh(self, day: date) -> bool:
        """Whether `day` ended recently enough for last-seen times to say who was active then."""
        return self.now - start_of(day + timedelta(days=1), self.zone) < ACTIVE_FRESH

    def at(self, day: date) -> tuple[Counter, Counter | None, set[Key]]:
        """The levels at the end of `day` (days asked in order; the counter is shared, read it only),
        the active members then (None when not known), and the keys changed since the last call."""
        hi = start_of(day + timedelta(days=1), self.zone)
        changed: set[Key] = set()
        while self._next < len(self.items) and self.items[self._next][0] < hi:
            key = self.items[self._next][1]
            self.level[key] += 1
            changed.add(key)
            self._next += 1
        if not self.fresh(day):
            return self.level, None, changed
        active: Counter = Counter()
        for last_seen, venue in self.seen:
            if last_seen is not None and hi - ACTIVE_WINDOW <= last_seen < hi:
                for v in {NETWORK, venue or NETWORK}:
                    active[("members.active", v, "")] += 1
        return self.level, active, changed
