"""The demo network's past: members who joined over the last eleven months, events held with people
who went, and introductions that were accepted (most of them met), so the funders' report
(`/rapport`, by default the three whole months before this one) and its comparison with the period
before have real figures, whatever the day the demo is seeded.

Everything is counted back from the app clock at seed time. Nothing here sends a message: the past
events are not announced, and the past introductions' follow-ups are marked as already asked and
answered (only Lucas and Manon's, a week old, waits for its follow-up: bot.demo.seed).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events.queries import set_venues
from storage.models import Member, Skill, Venue
from storage.models.events import Event, Rsvp
from storage.models.matchmaking import ACCEPTED, REVEALED, Introduction, IntroductionMember

FIRST_JOIN_DAYS = 330  # the founders joined eleven months ago
JOIN_STEP_DAYS = 9  # then one member every nine days or so, the newest a fortnight ago


def joined_days_ago(index: int) -> int:
    """How long ago the `index`-th demo member joined: in any three months, about ten joined."""
    return max(FIRST_JOIN_DAYS - index * JOIN_STEP_DAYS, 14)


# days ago, local start, minutes, title, venues (main first), audience, capacity, who went
PAST_EVENTS: list[tuple[int, str, int, str, str, str, int | None, str]] = [
    (200, "18:30", 120, "Repair café", "le-hangar", "everyone", None,
     "Camille Martin|Hugo Dubois|Nathan Michel|Léa Bernard"),
    (170, "10:00", 240, "Portes ouvertes du Moulin", "le-moulin la-ruche-rurale", "everyone families", None,
     "Inès Moreau|Sarah Roux|Lucas Laurent|Camille Martin|Louis David"),
    (140, "14:00", 180, "Initiation à l'impression 3D", "la-fabrique", "everyone students", 8,
     "Léa Bernard|Manon Lefebvre|Gabriel Morel|Chloé Simon|Arthur Girard|Théo Leroy"),
    (115, "09:30", 90, "Petit-déjeuner des indépendant·es", "le-hangar", "freelancers entrepreneurs", None,
     "Nathan Michel|Louise Bonnet|Emma Bertrand|Hugo Dubois|Jules Dupont"),
    (88, "18:30", 120, "Repair café", "le-hangar la-ruche-rurale", "everyone", None,
     "Hugo Dubois|Tom Blanc|Emma Bertrand|Lucas Laurent|Jade Fournier|Alice Lambert"),
    (75, "14:00", 180, "Atelier découpe laser", "la-fabrique", "everyone students", 6,
     "Manon Lefebvre|Ethan André|Gabriel Morel|Rose Faure|Raphaël Fontaine|Théo Leroy"),
    (61, "18:00", 120, "Atelier CV et entretien", "e2c-44 nantes-universite", "job_seekers students", 12,
     "Zoé Rousseau|Théo Leroy|Victor Chevalier|Chloé Simon|Léna François"),
    (47, "10:00", 240, "Chantier participatif au potager", "le-moulin", "everyone families", None,
     "Paul Lefèvre|Inès Moreau|Juliette Guerin|Maël Legrand|Sarah Roux|Adam Vincent"),
    (33, "17:30", 150, "Apéro du réseau", "le-moulin le-hangar la-fabrique", "everyone", None,
     "Camille Martin|Alice Lambert|Léa Bernard|Inès Moreau|Hugo Dubois|Anna Mercier|Lina Muller"),
    (19, "19:00", 150, "Soirée Arduino", "la-fabrique", "everyone", None,
     "Gabriel Morel|Nina Robin|Ethan André|Louis David"),
]

# days ago (proposed; accepted the next day), who needed, who offered, skill, met ("yes" | "not_yet")
PAST_INTRODUCTIONS: list[tuple[int, str, str, str, str]] = [
    (150, "Léa Bernard", "Nathan Michel", "accounting", "yes"),
    (120, "Chloé Simon", "Jules Dupont", "video-editing", "yes"),
    (82, "Hugo Dubois", "Sarah Roux", "graphic-design", "yes"),
    (64, "Inès Moreau", "Louise Bonnet", "social-media", "yes"),
    (52, "Rose Faure", "Léa Bernard", "3d-printing", "yes"),
    (40, "Jules Dupont", "Nathan Michel", "accounting", "not_yet"),
    (26, "Sarah Roux", "Nathan Michel", "accounting", "not_yet"),
]


def _at(now: datetime, days: int, clock: str, zone: ZoneInfo) -> datetime:
    day = now.astimezone(zone).date() - timedelta(days=days)
    return datetime.combine(day, time.fromisoformat(clock), zone).astimezone(ZoneInfo("UTC"))


async def seed_past(session: AsyncSession, now: datetime, hosts: dict[str, str]) -> str:
    """Add the past events and introductions (members must be seeded, with their join dates)."""
    venues = {v.slug: v for v in (await session.execute(select(Venue))).scalars()}
    members = {m.display_name: m for m in (await session.execute(select(Member))).scalars()}
    authors = {venue: members.get(name) for name, venue in hosts.items()}
    for days, clock, minutes, title, slugs, audience, capacity, went in PAST_EVENTS:
        main = venues[slugs.split()[0]]
        starts_at = _at(now, days, clock, ZoneInfo(main.timezone))
        published = starts_at - timedelta(days=14)
        author = authors.get(main.slug) or members.get("Camille Martin")
        event = Event(title=title, description="", location="", starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=minutes), timezone=main.timezone, all_day=False,
                      capacity=capacity, going_count=0, status="published", audience=audience.split(),
                      created_by_id=author.id if author else None, source="chat", recurrence_id="", sequence=0,
                      published_at=published, announced_at=published, created_at=published, updated_at=published)
        session.add(event)
        await session.flush()
        await set_venues(session, event, [venues[slug].id for slug in slugs.split()])
        # Only who had joined by then, and no more than the seats: the past is consistent.
        going = [members[name] for name in went.split("|") if _joined(members[name]) < published]
        for member in going[:capacity]:
            session.add(Rsvp(event_id=event.id, member_id=member.id, status="going", queued_at=published,
                             created_at=published, updated_at=published))
        event.going_count = len(going[:capacity])
    skills = {s.slug: s for s in (await session.execute(select(Skill))).scalars()}
    for days, needer_name, offerer_name, skill_slug, met in PAST_INTRODUCTIONS:
        needer, offerer = members[needer_name], members[offerer_name]
        created = now - timedelta(days=days)
        revealed = created + timedelta(days=1)
        ids = [needer.id, offerer.id]
        intro = Introduction(
            round_id=None, source="one_off", requested_by_id=needer.id, score=3.0,
            reasons=[{"code": "need_offer", "params": {"needer": needer.id, "offerer": offerer.id,
                                                        "skills": [skills[skill_slug].id]}},
                     {"code": "cross_venue", "params": {"members": ids, "venues": [needer.home_venue_id,
                                                                                   offerer.home_venue_id],
                                                        "recent": 0, "distance_km": None}}],
            cross_venue=needer.home_venue_id != offerer.home_venue_id, need_offer=True, repeat=False,
            status=REVEALED, created_at=created, expires_at=revealed, closed_at=revealed, revealed_at=revealed,
            meet_venue_id=offerer.home_venue_id)
        session.add(intro)
        await session.flush()
        asked = revealed + timedelta(days=7)
        for slot, member in enumerate((needer, offerer)):
            session.add(IntroductionMember(
                introduction_id=intro.id, slot=slot, member_id=member.id, venue_id=member.home_venue_id,
                response=ACCEPTED, responded_at=revealed, follow_up="sent", met=met,
                met_at=asked if met == "yes" else None, again=True if met == "yes" else None))
    await session.flush()
    return f"{len(PAST_EVENTS)} past events, {len(PAST_INTRODUCTIONS)} past introductions"


def _joined(member: Member) -> datetime:
    joined = member.created_at
    return joined if joined.tzinfo else joined.replace(tzinfo=ZoneInfo("UTC"))  # SQLite gives naive UTC
