"""A small seeded network with hand-counted figures, and lookups into a report document.

Period under test: 1-20 November 2026 (Europe/Paris); the previous period of the same length is
12-31 October. The clock stands at T0 (25 November), so every day of both is over.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from bot.report.days import Period
from storage.models import Identity, Member, MemberSkill, OutboxMessage, Skill, Venue
from storage.models.events import Event, EventVenue, Rsvp
from storage.models.matchmaking import REVEALED, Introduction, IntroductionMember, MatchRound

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 20))


def at(day: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=timezone.utc)


class Network:
    """Writes members, events, RSVPs, introductions and messages with the times given."""

    def __init__(self, app) -> None:
        self.app = app
        self.ids = itertools.count(1000)
        self.venues: dict[str, int] = {}
        self.skills: dict[str, int] = {}

    async def load(self) -> None:
        async with self.app.db.session() as session:
            self.venues = dict((await session.execute(select(Venue.slug, Venue.id))).all())
            self.skills = dict((await session.execute(select(Skill.slug, Skill.id))).all())

    async def members(self, count: int, venue: str | None, created: datetime, *, offers=(), needs=(),
                      intros: bool = True, prefix: str = "m") -> list[int]:
        made = []
        async with self.app.db.session() as session:
            for _ in range(count):
                n = next(self.ids)
                member = Member(display_name=f"{prefix}{n}", home_venue_id=self.venues[venue] if venue else None,
                                created_at=created, updated_at=created, consent_at=created, consent_version="t",
                                intro_opt_in=intros, visibility="network")
                session.add(member)
                await session.flush()
                session.add(Identity(member_id=member.id, platform="memory", platform_user_id=f"u{n}",
                                     display_name=member.display_name, created_at=created, last_seen_at=created,
                                     dm_status="open"))
                for kind, slugs in (("offer", offers), ("need", needs)):
                    for slug in slugs:
                        session.add(MemberSkill(member_id=member.id, skill_id=self.skills[slug], kind=kind,
                                                created_at=created))
                made.append(member.id)
        return made

    async def event(self, venues: list[str], starts: datetime, *, going=(), capacity=None,
                    status: str = "published", audience=()) -> int:
        async with self.app.db.session() as session:
            event = Event(title="e", starts_at=starts, ends_at=starts + timedelta(hours=2), status=status,
                          venue_id=self.venues[venues[0]], capacity=capacity, going_count=len(going),
                          audience=list(audience), source="chat", source_uid=f"e{next(self.ids)}",
                          created_at=starts - timedelta(days=10), updated_at=starts - timedelta(days=10))
            session.add(event)
            await session.flush()
            for position, slug in enumerate(venues):
                session.add(EventVenue(event_id=event.id, venue_id=self.venues[slug], position=position,
                                       created_at=starts))
            for member_id in going:
                session.add(Rsvp(event_id=event.id, member_id=member_id, status="going", queued_at=starts,
                                 created_at=starts - timedelta(days=1), updated_at=starts - timedelta(days=1)))
            return event.id

    async def introduction(self, pair: list[int], created: datetime, *, cross: bool, need_offer: bool,
                           revealed: datetime | None = None, met: datetime | None = None) -> int:
        async with self.app.db.session() as session:
            period = f"2026-W{next(self.ids)}"
            match_round = MatchRound(period=period, run_at=created, created_at=created)
            session.add(match_round)
            await session.flush()
            intro = Introduction(round_id=match_round.id, score=10.0, cross_venue=cross, need_offer=need_offer,
                                 status=REVEALED if revealed else "declined", created_at=created,
                                 expires_at=created + timedelta(days=3), revealed_at=revealed)
            session.add(intro)
            await session.flush()
            for slot, member_id in enumerate(pair):
                member = await session.get(Member, member_id)
                session.add(IntroductionMember(introduction_id=intro.id, slot=slot, member_id=member_id,
                                               venue_id=member.home_venue_id, response="accepted",
                                               met="yes" if met else None, met_at=met))
            return intro.id

    async def messages(self, member_id: int, count: int, sent: datetime, *, nudge: bool) -> None:
        async with self.app.db.session() as session:
            for _ in range(count):
                n = next(self.ids)
                session.add(OutboxMessage(key=f"k{n}", platform="memory", user_id=f"u{member_id}", member_id=member_id,
                                          purpose="test", nudge=nudge, payload={"text": "hello"}, status="sent",
                                          sent_at=sent, created_at=sent, next_attempt_at=sent))


async def seed(app) -> dict:
    """The seeded network; returns the ids the tests need."""
    net = Network(app)
    await net.load()
    # Previous period: 6 at Le Hangar, 2 at La Fabrique (15 October).
    old_hangar = await net.members(6, "hangar", at(15, 10), offers=["3d-printing"])
    old_fabrique = await net.members(2, "fabrique", at(15, 10))
    # This period: 4 at Le Hangar, 5 at La Fabrique, 1 at the university (5 November).
    new_hangar = await net.members(4, "hangar", at(5), needs=["agroecology"], intros=False)
    new_fabrique = await net.members(5, "fabrique", at(5), needs=["agroecology"], offers=["accounting"])
    [student] = await net.members(1, "universite", at(5))
    # After the period: not counted.
    await net.members(1, "moulin", at(22))
    # Events: a co-hosted one (capacity 10: 3 + 4 + the student going), one at La Fabrique drawing 5
    # from Le Hangar, one last period, one cancelled.
    await net.event(["hangar", "fabrique"], at(10, hour=17), going=old_hangar[:3] + new_fabrique[:4] + [student],
                    capacity=10, audience=["students"])
    await net.event(["fabrique"], at(12, hour=17), going=old_hangar[:5])
    await net.event(["hangar"], at(20, 10, hour=17), going=old_hangar[:2])
    await net.event(["moulin"], at(11, hour=17), status="cancelled")
    # Introductions: one across venues, accepted and met; one inside Le Hangar, declined.
    await net.introduction([old_hangar[0], old_fabrique[0]], at(8), cross=True, need_offer=True,
                           revealed=at(9), met=at(15))
    await net.introduction([old_hangar[1], old_hangar[2]], at(8), cross=False, need_offer=False)
    # Messages: 12 nudges and 6 replies in the period, 3 nudges before it.
    for member_id in old_hangar:
        await net.messages(member_id, 2, at(3), nudge=True)
        await net.messages(member_id, 1, at(4), nudge=False)
    await net.messages(old_hangar[0], 3, at(20, 10), nudge=True)
    return {"old_hangar": old_hangar, "old_fabrique": old_fabrique, "new_hangar": new_hangar,
            "new_fabrique": new_fabrique, "student": student, "net": net}


def section(document: dict, section_id: str) -> dict:
    return next(s for s in document["sections"] if s["id"] == section_id)


def figure(document: dict, section_id: str, label: str) -> tuple[str, str, str | None]:
    """(current text, previous text, change) of the headline figure `label`."""
    row = next(r for r in section(document, section_id)["figures"] if r["label"] == label)
    cell = row["cells"][0]
    return cell["current"]["text"], cell["previous"]["text"], cell["change"]


def table(document: dict, table_id: str) -> dict[str, tuple[str, str]]:
    """label -> (current text, previous text) of a table, its total under "Total"."""
    found = next(t for s in document["sections"] for t in s["tables"] if t["id"] == table_id)
    rows = found["rows"] + ([found["total"]] if found["total"] else [])
    return {r["label"]: (r["cells"][0]["current"]["text"], r["cells"][0]["previous"]["text"]) for r in rows}
