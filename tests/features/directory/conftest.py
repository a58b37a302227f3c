"""Members written straight into the database (onboarding is another feature), for directory tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pytest
from sqlalchemy import select

from storage.models import Identity, Member, MemberSkill, MemberVenue, Skill, Venue


class People:
    """`await people.add("Ana", venue="hangar", offers=["3d-printing"])` -> the member's id."""

    def __init__(self, app, clock) -> None:
        self.app = app
        self.clock = clock
        self._ids = itertools.count(100)

    async def add(self, name: str, *, venue: str | None = "hangar", visibility: str = "network",
                  offers: Iterable[str] = (), interests: Iterable[str] = (), needs: Iterable[str] = (),
                  attends: Iterable[str] = (), bio: str = "", intros: bool = True, platform: str = "memory",
                  user_id: str | None = None, handle: str | None = None, locale: str = "fr") -> int:
        async with self.app.db.session() as session:
            venues = dict((await session.execute(select(Venue.slug, Venue.id))).tuples().all())
            skills = dict((await session.execute(select(Skill.slug, Skill.id))).tuples().all())
            member = Member(display_name=name, bio=bio, home_venue_id=venues[venue] if venue else None,
                            locale=locale, visibility=visibility, intro_opt_in=intros, consent_at=self.clock.now(),
                            consent_version="test")
            session.add(member)
            await session.flush()
            session.add(Identity(member_id=member.id, platform=platform, platform_user_id=user_id or str(next(self._ids)),
                                 handle=handle, display_name=name, locale=locale, dm_status="open",
                                 created_at=self.clock.now(), last_seen_at=self.clock.now()))
            for kind, slugs in (("offer", offers), ("interest", interests), ("need", needs)):
                for slug in slugs:
                    session.add(MemberSkill(member_id=member.id, skill_id=skills[slug], kind=kind))
            for slug in attends:
                session.add(MemberVenue(member_id=member.id, venue_id=venues[slug]))
            return member.id

    async def member(self, member_id: int) -> Member:
        async with self.app.db.session() as session:
            return await session.get(Member, member_id)


@pytest.fixture
def people(app, clock) -> People:
    return People(app, clock)
