"""Collaboration suggestions for a venue's hosts, drawn from data the network already has.

Three kinds, each with a stable key (so one suggestion is proposed once):
- `need_offer`: a skill many members of this venue look for, that members of another venue offer
  ("6 of your members look for 3D printing; La Fabrique has 5 who offer it");
- `complement`: another venue whose members' skills and needs complement this venue's, while the
  two venues' members rarely meet (few introductions between them lately);
- `same_evening`: two similar events planned the same evening in neighbouring venues (a conflict,
  or a chance to co-host).
Counts shown follow the small-count rule (`bot.hosts.stats.shown`). Pure reads: nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.geo import haversine_km
from storage.models import Member, MemberSkill, Venue
from storage.models.events import Event, EventVenue
from storage.models.intro_requests import IntroRequest
from storage.models.matchmaking import Introduction, IntroductionMember

MIN_NEEDING = 3  # members of the host's venue looking for the skill
MIN_OFFERING = 2  # members of the other venue offering it
MIN_COMPLEMENT = 2  # complementary skills between two venues
RARELY = 1  # at most this many introductions between two venues in 90 days: they rarely meet
EVENING_HOUR = 17
HORIZON = timedelta(days=30)
QUARTER = timedelta(days=90)
MAX_SUGGESTIONS = 5
WORD_RE = re.compile(r"[a-z0-9]{4,}")


@dataclass(frozen=True)
class Suggestion:
    kind: str
    venue_id: int  # the host's venue
    other_id: int
    skill_ids: tuple[int, ...] = ()
    needing: int = 0
    offering: int = 0
    event_id: int | None = None  # same_evening: the host's event
    other_event_id: int | None = None
    score: float = 0.0

    @property
    def ref(self) -> int:
        if self.kind == "need_offer":
            return self.skill_ids[0]
        if self.kind == "same_evening":
            return self.event_id or 0
        return 0

    @property
    def payload(self) -> str:
        return f"{self.kind[0]}:{self.venue_id}:{self.other_id}:{self.ref}"

    @property
    def key(self) -> str:
        """The same collaboration seen from either venue has one key."""
        low, high = sorted((self.venue_id, self.other_id))
        ref = self.ref if self.kind != "same_evening" else "-".join(map(str, sorted((self.event_id or 0,
                                                                                 self.other_event_id or 0))))
        return f"{self.kind}:{low}:{high}:{ref}"


async def _skills_by_venue(session: AsyncSession, kind: str) -> dict[int, dict[int, int]]:
    """venue -> skill -> members of that venue (home venue, consented) holding it as `kind`."""
    rows = await session.execute(select(Member.home_venue_id, MemberSkill.skill_id, func.count()).join(
        MemberSkill, MemberSkill.member_id == Member.id).where(
        MemberSkill.kind == kind, Member.consent_at.is_not(None), Member.home_venue_id.is_not(None))
        .group_by(Member.home_venue_id, MemberSkill.skill_id))
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for venue_id, skill_id, count in rows:
        found[venue_id][skill_id] = count
    return found


async def _meetings(session: AsyncSession, venue_id: int, now: datetime) -> dict[int, int]:
    """other venue -> introductions made between its members and this venue's, in 90 days."""
    counts: dict[int, int] = defaultdict(int)
    requester, addressee = aliased(Member), aliased(Member)
    requests = await session.execute(select(requester.home_venue_id, addressee.home_venue_id, func.count())
                                     .select_from(IntroRequest)
                                     .join(requester, requester.id == IntroRequest.requester_id)
                                     .join(addressee, addressee.id == IntroRequest.addressee_id)
                                     .where(IntroRequest.status == "accepted",
                                            IntroRequest.responded_at >= now - QUARTER,
                                            (requester.home_venue_id == venue_id) | (addressee.home_venue_id == venue_id))
                                     .group_by(requester.home_venue_id, addressee.home_venue_id))
    for a, b, count in requests:
        if a != b and None not in (a, b):
            counts[b if a == venue_id else a] += count
    ours = select(IntroductionMember.introduction_id).join(
        Introduction, Introduction.id == IntroductionMember.introduction_id).where(
        Introduction.revealed_at >= now - QUARTER, IntroductionMember.venue_id == venue_id)
    rounds = await session.execute(select(IntroductionMember.venue_id, func.count(func.distinct(
        IntroductionMember.introduction_id))).where(IntroductionMember.introduction_id.in_(ours),
                                                    IntroductionMember.venue_id.is_not(None),
                                                    IntroductionMember.venue_id != venue_id)
                                   .group_by(IntroductionMember.venue_id))
    for other, count in rounds:
        counts[other] += count
    return counts


def _words(title: str) -> set[str]:
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return set(WORD_RE.findall(plain))


def neighbours(a: Venue, b: Venue, near_km: float) -> bool:
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= near_km
    return bool(a.city) and a.city.lower() == b.city.lower()


async def _same_evening(session: AsyncSession, config: Config, venue: Venue, venues: dict[int, Venue],
                        now: datetime) -> list[Suggestion]:
    rows = (await session.execute(select(Event, EventVenue.venue_id).join(EventVenue, EventVenue.event_id == Event.id)
                                  .where(Event.status == "published", Event.starts_at >= now,
                                         Event.starts_at < now + HORIZON, EventVenue.position == 0)
                                  .order_by(Event.starts_at, Event.id))).all()
    evenings: dict[tuple[int, object], list[Event]] = defaultdict(list)
    for event, host_id in rows:
        local = event.starts_at.astimezone(ZoneInfo(event.timezone))
        if local.hour >= EVENING_HOUR:
            evenings[(host_id, local.date())].append(event)
    found = []
    for (host_id, day), mine in evenings.items():
        if host_id != venue.id:
            continue
        for (other_id, other_day), theirs in evenings.items():
            if other_id == venue.id or other_day != day or other_id not in venues:
                continue
            if not neighbours(venue, venues[other_id], config.events.near_km):
                continue
            for event in mine:
                for other in theirs:
                    shared = len(_words(event.title) & _words(other.title)) + len(
                        set(event.audience or ()) & set(other.audience or ()) - {"everyone"})
                    if shared:
                        found.append(Suggestion("same_evening", venue.id, other_id, event_id=event.id,
                                                other_event_id=other.id, score=10.0 + shared))
    return found


async def suggestions_for(session: AsyncSession, config: Config, venue: Venue, now: datetime) -> list[Suggestion]:
    """The best suggestions for `venue`'s hosts, best first (at most `MAX_SUGGESTIONS`)."""
    venues = {v.id: v for v in (await session.execute(select(Venue))).scalars() if v.id != venue.id}
    needs, offers = await _skills_by_venue(session, "need"), await _skills_by_venue(session, "offer")
    found: list[Suggestion] = await _same_evening(session, config, venue, venues, now)
    for skill_id, needing in needs.get(venue.id, {}).items():
        if needing < MIN_NEEDING:
            continue
        best = max(((offers.get(other, {}).get(skill_id, 0), other) for other in venues), default=(0, 0))
        if best[0] >= MIN_OFFERING:
            found.append(Suggestion("need_offer", venue.id, best[1], (skill_id,), needing, best[0],
                                    score=5.0 + min(needing, best[0])))
    meetings = await _meetings(session, venue.id, now)
    mine_needs, mine_offers = set(needs.get(venue.id, {})), set(offers.get(venue.id, {}))
    for other in venues:
        if meetings.get(other, 0) > RARELY:
            continue
        both = (mine_needs & set(offers.get(other, {}))) | (mine_offers & set(needs.get(other, {})))
        if len(both) >= MIN_COMPLEMENT:
            found.append(Suggestion("complement", venue.id, other, tuple(sorted(both))[:3], score=float(len(both))))
    found.sort(key=lambda s: (-s.score, s.kind, s.other_id, s.ref))
    return found[:MAX_SUGGESTIONS]


async def venue_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    return dict((await session.execute(select(Venue.id, Venue.name).where(Venue.id.in_(ids)))).all())

