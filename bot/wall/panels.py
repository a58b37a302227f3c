"""What a wall shows, as neutral data: the panels of the network wall or of one venue's wall.

`build_wall(db, config, now, venue_slug, locale)` reads everything in one short transaction and
applies the privacy rules (`bot.wall.privacy`): only members who chose the wall, by first name and
venue; skills and introductions as counts, small ones suppressed; hidden items left out. The web
face renders it (`adapters/web/wall_html.py`) and serves it as JSON (`/api/wall.json`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.events.queries import ProgrammeFilter, programme, venues_of
from bot.events.render import format_day, format_span
from bot.i18n import Translator
from bot.partners.opportunities import open_opportunities
from bot.wall.links import event_payload, start_link
from bot.wall.moderation import hidden_items
from bot.wall.privacy import first_name, shown_count
from storage.member_skills import label_of
from storage.models import Member, MemberSkill, Skill, Venue
from storage.models.intro_requests import ACCEPTED, IntroRequest
from storage.models.matchmaking import REVEALED, Introduction, IntroductionMember
from storage.models.wall import WallConsent

PROGRAMME_DAYS = 60
NEW_MEMBER_DAYS = 30
TOP_SKILLS = 6
TOP_PAIRS = 5
MAX_OPPORTUNITIES = 4  # the partners' open calls shown with the skills


@dataclass(frozen=True)
class VenueItem:
    slug: str
    name: str
    city: str
    kind: str
    latitude: float | None
    longitude: float | None
    here: bool
    join_link: str | None
    join_code: str


@dataclass(frozen=True)
class EventItem:
    id: int
    title: str
    when: str  # in the venue's time zone and the wall's language
    starts_at: str  # ISO 8601, UTC
    ends_at: str
    timezone: str
    venues: list[str]  # names, main venue first
    venue_slugs: list[str]
    status: str  # published | cancelled
    bucket: str  # today | week | later
    seats_left: int | None  # None: no limit
    here: bool  # hosted by this wall's venue
    rsvp_link: str | None
    url: str | None


@dataclass(frozen=True)
class PersonItem:
    id: int
    name: str  # first name only
    venue: str
    offers: list[str]


@dataclass(frozen=True)
class SkillCount:
    label: str
    count: int | None  # None: fewer than 3


@dataclass(frozen=True)
class PairCount:
    venues: tuple[str, str]
    count: int
    slugs: tuple[str, str]


@dataclass(frozen=True)
class OpportunityItem:
    """An open call of a partner (an internship, a mission...): its organisation and title, never who posted it."""

    id: int
    title: str
    organisation: str
    closes: str  # the closing day, in the wall's language


@dataclass
class Wall:
    network: str
    locale: str
    venue: VenueItem | None
    venues: list[VenueItem]
    join_link: str | None
    discord_invite: str | None
    members: int | None
    timezone: str  # the venue's, else the network's: the screen's clock and "today"
    events: list[EventItem] = field(default_factory=list)
    people: list[PersonItem] = field(default_factory=list)
    needed: list[SkillCount] = field(default_factory=list)
    offered: list[SkillCount] = field(default_factory=list)
    intros_week: int | None = None
    intros_month: int | None = None
    pairs: list[PairCount] = field(default_factory=list)
    opportunities: list[OpportunityItem] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


async def build_wall(db, config: Config, now: datetime, venue_slug: str | None, locale: str) -> Wall | None:
    """The wall of the network (venue_slug None) or of one venue; None when that venue is unknown."""
    async with db.session() as session:
        venues = list((await session.execute(select(Venue).order_by(Venue.name))).scalars())
        here = next((v for v in venues if v.slug == venue_slug), None)
        if venue_slug is not None and here is None:
            return None
        hidden = await hidden_items(session)
        items = [_venue_item(config, v, here) for v in venues]
        members = int((await session.execute(select(func.count()).select_from(Member))).scalar_one())
        wall = Wall(
            network=config.network.name, locale=locale, venue=next((i for i in items if i.here), None),
            venues=items, join_link=start_link(config, here.join_code) if here else start_link(config),
            discord_invite=config.wall.discord_invite, members=shown_count(members),
            timezone=here.timezone if here else config.network.timezone)
        by_id = {v.id: v for v in venues}
        wall.events = await _events(session, config, now, here, by_id, hidden, locale)
        wall.people = await _people(session, config, now, here, by_id, hidden, locale)
        wall.needed, wall.offered = await _skills(session, locale)
        wall.intros_week, wall.intros_month, wall.pairs = await _intros(session, now, here, by_id)
        wall.opportunities = await _opportunities(session, now, by_id, wall.timezone, locale)
        return wall


async def _opportunities(session: AsyncSession, now: datetime, by_id: dict[int, Venue], zone: str,
                         locale: str) -> list[OpportunityItem]:
    """The partners' open opportunities, closing soonest first (what the network's partners look for)."""
    found = []
    for row in await open_opportunities(session, now, limit=MAX_OPPORTUNITIES):
        partner = by_id.get(row.partner_venue_id) if row.partner_venue_id else None
        closes = format_day(row.closes_at.astimezone(ZoneInfo(zone)), locale)
        found.append(OpportunityItem(row.id, row.title, partner.name if partner else "", closes))
    return found


def _venue_item(config: Config, venue: Venue, here: Venue | None) -> VenueItem:
    # Only the wall's own venue carries its join code: the wall of one venue is not where to join another.
    mine = here is not None and venue.id == here.id
    return VenueItem(venue.slug, venue.name, venue.city, venue.kind, venue.latitude, venue.longitude, mine,
                     start_link(config, venue.join_code) if mine else None, venue.join_code if mine else "")


async def _events(session: AsyncSession, config: Config, now: datetime, here: Venue | None,
                  by_id: dict[int, Venue], hidden: set[str], locale: str) -> list[EventItem]:
    spec = ProgrammeFilter(start=now, end=now + timedelta(days=PROGRAMME_DAYS), include_cancelled=True)
    # Cancelled events stay on screen (struck out) only if they were still to come.
    found = [e for e in await programme(session, spec, limit=200) if f"event:{e.id}" not in hidden]
    hosts = await venues_of(session, [e.id for e in found])
    t = Translator(locale)
    zone = ZoneInfo(here.timezone if here else config.network.timezone)
    today = now.astimezone(zone).date()
    items = []
    for event in found:
        names = [v.name for v in hosts.get(event.id, [])]
        slugs = [v.slug for v in hosts.get(event.id, [])]
        start_day = event.starts_at.astimezone(zone).date()
        bucket = "today" if start_day <= today else "week" if start_day < today + timedelta(days=7) else "later"
        seats = None if event.capacity is None else max(0, event.capacity - event.going_count)
        items.append(EventItem(
            event.id, event.title, format_span(event, event.timezone, t, now), event.starts_at.isoformat(),
            event.ends_at.isoformat(), event.timezone, names, slugs, event.status, bucket, seats,
            here is not None and here.slug in slugs, start_link(config, event_payload(event.id)), event.url))
    order = {"today": 0, "week": 1, "later": 2}
    # Today and this week first; on a venue's wall its own events lead within each.
    items.sort(key=lambda e: (order[e.bucket], not e.here, e.starts_at, e.id))
    return items[:config.wall.events]


async def _people(session: AsyncSession, config: Config, now: datetime, here: Venue | None,
                  by_id: dict[int, Venue], hidden: set[str], locale: str) -> list[PersonItem]:
    since = now - timedelta(days=NEW_MEMBER_DAYS)
    rows = (await session.execute(
        select(Member).join(WallConsent, WallConsent.member_id == Member.id)
        .where(Member.created_at >= since, Member.consent_at.is_not(None))
        .order_by(Member.created_at.desc(), Member.id.desc()).limit(200))).scalars()
    members = [m for m in rows if f"member:{m.id}" not in hidden]
    if here is not None:
        members.sort(key=lambda m: m.home_venue_id != here.id)  # stable: newest first within each
    members = members[:config.wall.people]
    offers: dict[int, list[str]] = {m.id: [] for m in members}
    if members:
        skill_rows = await session.execute(
            select(MemberSkill.member_id, Skill).join(Skill, Skill.id == MemberSkill.skill_id)
            .where(MemberSkill.member_id.in_(list(offers)), MemberSkill.kind == "offer")
            .order_by(MemberSkill.member_id, MemberSkill.created_at, Skill.id))
        for member_id, skill in skill_rows:
            if len(offers[member_id]) < 3:
                offers[member_id].append(label_of(skill, locale))
    return [PersonItem(m.id, first_name(m.display_name),
                       by_id[m.home_venue_id].name if m.home_venue_id in by_id else "", offers[m.id])
            for m in members]


async def _skills(session: AsyncSession, locale: str) -> tuple[list[SkillCount], list[SkillCount]]:
    """The skills most needed and most offered by members who share their profile (never the private)."""
    result = []
    for kind in ("need", "offer"):
        rows = await session.execute(
            select(Skill, func.count(MemberSkill.member_id).label("n"))
            .join(MemberSkill, MemberSkill.skill_id == Skill.id)
            .join(Member, Member.id == MemberSkill.member_id)
            .where(MemberSkill.kind == kind, Member.visibility != "private", Member.consent_at.is_not(None))
            .group_by(Skill.id).order_by(func.count(MemberSkill.member_id).desc(), Skill.slug).limit(TOP_SKILLS))
        result.append([SkillCount(label_of(skill, locale), shown_count(n)) for skill, n in rows])
    return result[0], result[1]


async def _intros(session: AsyncSession, now: datetime, here: Venue | None,
                  by_id: dict[int, Venue]) -> tuple[int | None, int | None, list[PairCount]]:
    """Introductions made (both said yes) in the last 7 and 30 days, and the venue pairs behind them."""
    month = now - timedelta(days=30)
    week = now - timedelta(days=7)
    made: list[tuple[datetime, tuple[int | None, ...]]] = []
    rows = await session.execute(
        select(Introduction.id, Introduction.revealed_at, IntroductionMember.venue_id)
        .join(IntroductionMember, IntroductionMember.introduction_id == Introduction.id)
        .where(Introduction.status == REVEALED, Introduction.revealed_at >= month))
    sides: dict[int, tuple[datetime, list]] = {}
    for intro_id, at, venue_id in rows:
        sides.setdefault(intro_id, (at, []))[1].append(venue_id)
    made += [(at, tuple(venues)) for at, venues in sides.values()]
    requester = select(Member.home_venue_id).where(Member.id == IntroRequest.requester_id).scalar_subquery()
    addressee = select(Member.home_venue_id).where(Member.id == IntroRequest.addressee_id).scalar_subquery()
    rows = await session.execute(select(IntroRequest.responded_at, requester, addressee)
                                 .where(IntroRequest.status == ACCEPTED, IntroRequest.responded_at >= month))
    made += [(at, (a, b)) for at, a, b in rows]
    pairs: Counter[tuple[int, int]] = Counter()
    for _at, venues in made:
        known = sorted({v for v in venues if v in by_id}, key=lambda v: (by_id[v].name, v))
        if len(known) >= 2:
            pairs[(known[0], known[1])] += 1
    listed = [PairCount((by_id[a].name, by_id[b].name), n, (by_id[a].slug, by_id[b].slug))
              for (a, b), n in pairs.items() if shown_count(n) is not None]
    listed.sort(key=lambda p: (here is None or here.slug not in p.slugs, -p.count, p.venues))
    week_count = sum(1 for at, _ in made if at is not None and at >= week)
    return shown_count(week_count), shown_count(len(made)), listed[:TOP_PAIRS]
