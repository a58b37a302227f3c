"""Helpers for matchmaking tests: members made directly in the database, platforms added as needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from adapters.memory import MemoryAdapter, MemoryUser
from bot.application import App
from storage.models import Identity, Member, MemberSkill, Skill, Venue


@dataclass
class Person:
    id: int
    name: str
    user: MemoryUser
    adapter: MemoryAdapter

    def inbox(self, purpose_text: str = ""):
        return [d for d in self.adapter.to_user(self.user.ref.user_id) if purpose_text in d.text]


class Network:
    """Builds members in the app's database and finds their platform's adapter."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.counter = 0

    def adapter(self, platform: str) -> MemoryAdapter:
        if platform not in self.app.adapters:
            adapter = MemoryAdapter(platform)
            self.app.add_adapter(adapter)
            adapter.core = self.app.core
        return self.app.adapters[platform]  # type: ignore[return-value]

    async def member(self, name: str, venue: str | None = "hangar", *, platform: str = "memory",
                     offers: str = "", needs: str = "", interests: str = "", languages: str = "fr",
                     opt_in: bool = True, cadence: str = "biweekly", handle: str | None = None,
                     locale: str = "fr", reachable: bool = True, visibility: str = "network") -> Person:
        self.counter += 1
        user_id = f"{platform[:2]}{self.counter}"
        async with self.app.db.session() as session:
            venue_id = None
            if venue:
                venue_id = (await session.execute(select(Venue.id).where(Venue.slug == venue))).scalar_one()
            member = Member(display_name=name, home_venue_id=venue_id, locale=locale, languages=languages.split(),
                            visibility=visibility, intro_opt_in=opt_in, cadence=cadence,
                            consent_at=self.app.clock.now(), consent_version="test")
            session.add(member)
            await session.flush()
            session.add(Identity(member_id=member.id, platform=platform, platform_user_id=user_id,
                                 handle=handle, display_name=name, locale=locale,
                                 dm_status="open" if reachable else "unreachable"))
            for kind, slugs in (("offer", offers), ("need", needs), ("interest", interests)):
                for slug in slugs.split():
                    skill_id = (await session.execute(select(Skill.id).where(Skill.slug == slug))).scalar_one()
                    session.add(MemberSkill(member_id=member.id, skill_id=skill_id, kind=kind))
            member_id = member.id
        adapter = self.adapter(platform)
        return Person(member_id, name, adapter.user(user_id, name, language=locale, handle=handle), adapter)


@pytest.fixture
def net(app) -> Network:
    return Network(app)


def buttons_of(delivery):
    return delivery.reply.all_buttons()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def any_net(any_app) -> Network:
    """Like `net`, once on SQLite and once on PostgreSQL."""
    return Network(any_app)
