"""A host's figures for their own venue: members, activity, introductions, events.

The small-count rule of the network report applies: a count from 1 to 4 is shown as "fewer than
5", so no figure can point at one person (four members of a venue are people a host knows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from storage.models import Identity, Member
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.intro_requests import IntroRequest
from storage.models.matchmaking import Introduction, IntroductionMember

SMALL_COUNT = 5  # counts under this (and above zero) are suppressed
MONTH = timedelta(days=30)
QUARTER = timedelta(days=90)


def shown(count: int, t: Translator) -> str:
    return t("hosts.stats.few", limit=SMALL_COUNT) if 0 < count < SMALL_COUNT else str(count)


@dataclass(frozen=True)
class VenueFigures:
    members: int
    joined_30d: int
    active_30d: int
    introductions_90d: int
    events_past_30d: int
    events_coming_30d: int
    rsvps_30d: int

    def render(self, venue: str, t: Translator) -> str:
        return t("hosts.stats.body", venue=venue, members=shown(self.members, t), joined=shown(self.joined_30d, t),
                 active=shown(self.active_30d, t), introductions=shown(self.introductions_90d, t),
                 past=shown(self.events_past_30d, t), coming=shown(self.events_coming_30d, t),
                 rsvps=shown(self.rsvps_30d, t))


async def venue_figures(session: AsyncSession, venue_id: int, now: datetime) -> VenueFigures:
    async def count(statement) -> int:
        return int((await session.execute(statement)).scalar_one())

    theirs = select(Member.id).where(Member.home_venue_id == venue_id, Member.consent_at.is_not(None))
    hosted = select(EventVenue.event_id).where(EventVenue.venue_id == venue_id)
    members = await count(select(func.count()).select_from(theirs.subquery()))
    joined = await count(select(func.count()).select_from(Member).where(
        Member.home_venue_id == venue_id, Member.consent_at >= now - MONTH))
    active = await count(select(func.count(func.distinct(Identity.member_id))).where(
        Identity.member_id.in_(theirs), Identity.last_seen_at >= now - MONTH))
    requests = await count(select(func.count()).select_from(IntroRequest).where(
        IntroRequest.status == "accepted", IntroRequest.responded_at >= now - QUARTER,
        or_(IntroRequest.requester_id.in_(theirs), IntroRequest.addressee_id.in_(theirs))))
    rounds = await count(select(func.count(func.distinct(Introduction.id))).select_from(Introduction).join(
        IntroductionMember, IntroductionMember.introduction_id == Introduction.id).where(
        Introduction.revealed_at >= now - QUARTER, IntroductionMember.venue_id == venue_id))
    past = await count(select(func.count()).select_from(Event).where(
        Event.id.in_(hosted), Event.status == "published", Event.starts_at < now, Event.starts_at >= now - MONTH))
    coming = await count(select(func.count()).select_from(Event).where(
        Event.id.in_(hosted), Event.status == "published", Event.starts_at >= now, Event.starts_at < now + MONTH))
    rsvps = await count(select(func.count()).select_from(Rsvp).join(Event, Event.id == Rsvp.event_id).where(
        Event.id.in_(hosted), Rsvp.status == "going", Event.starts_at >= now - MONTH, Event.starts_at < now + MONTH))
    return VenueFigures(members, joined, active, requests + rounds, past, coming, rsvps)
