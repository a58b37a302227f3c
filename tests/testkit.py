"""Shared test data and helpers, importable from any test as `testkit` (tests/ is on sys.path).

Kept out of conftest.py on purpose: several folders have their own conftest.py, and a plain
`from conftest import ...` could pick up the wrong one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import httpx
from sqlalchemy import select, text

from bot.config import Config, DatabaseConfig, parse_config
from bot.feeds.sync import sync_source
from storage.db import Database
from storage.models import Base, Identity, Member, MemberSkill, MemberVenue, Skill, Venue
from storage.models.events import FeedSource

PG_ENV = "MAILLAGE_TEST_DATABASE_URL"

# Real-world data shared by the team (calendar files, the tiers-lieux open data), beside the repository.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

TEST_CONFIG = """
[network]
name = "Réseau Test"
timezone = "Europe/Paris"
animators = ["memory:animator"]

[[venues]]
slug = "hangar"
name = "Le Hangar"
kind = "coworking"
city = "Nantes"
latitude = 47.2065
longitude = -1.5632

[[venues]]
slug = "fabrique"
name = "La Fabrique"
kind = "fablab"
city = "Saint-Nazaire"
latitude = 47.2735
longitude = -2.2138

[[venues]]
slug = "moulin"
name = "Le Moulin"
kind = "tiers-lieu"
city = "Clisson"

[[venues]]
slug = "universite"
name = "Université"
kind = "partner"
partner_kind = "university"
city = "Nantes"
"""

# A Wednesday morning in Paris, in working hours.
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def make_config(url: str, extra: str = "", **replace) -> Config:
    """The test network's configuration (plus `extra` TOML) on the database at `url`."""
    config = parse_config(TEST_CONFIG + extra, environ={})
    return dataclasses.replace(config, database=DatabaseConfig(url=url), **replace)


def in_db(url: str, work):
    """`work(session)` in one transaction on the database at `url`, from synchronous test code (a CLI test)."""
    async def go():
        db = Database(url)
        try:
            async with db.session() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


async def empty_postgres(url: str) -> None:
    """Remove every row from every table (between tests sharing one PostgreSQL database)."""
    db = Database(url)
    async with db.engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await db.dispose()


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
            venues = dict((await session.execute(select(Venue.slug, Venue.id))).all())
            skills = dict((await session.execute(select(Skill.slug, Skill.id))).all())
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


async def add_source(app, slug: str, url: str, *, origin: str = "config", kind: str | None = None) -> int:
    """A calendar feed of venue `slug` (a local .ics path or a URL); returns the source id."""
    async with app.db.session() as session:
        vid = (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
        source = FeedSource(venue_id=vid, url=url, kind=kind or ("ics" if url.startswith("http") else "file"),
                            origin=origin, enabled=True, error_streak=0, last_error_notified=False)
        session.add(source)
        await session.flush()
        return source.id


async def sync(app, source_id: int, client: httpx.AsyncClient | None = None):
    """One sync of a feed source, as the job would run it."""
    own = client is None
    client = client or httpx.AsyncClient()
    try:
        return await sync_source(app.db, app.config, source_id, app.clock.now(), client)
    finally:
        if own:
            await client.aclose()


def add_echo_flow(registry) -> None:
    """A two-step conversation for tests of the core: /survey asks a name, then a city."""
    from bot.types import Reply

    @registry.command("survey", summary="help.summary")
    async def survey(ctx):
        await ctx.start_flow("survey", "name")
        return Reply("name?")

    @registry.flow("survey")
    async def step(ctx):
        if ctx.conversation.step == "name":
            await ctx.set_step("city", name=ctx.args)
            return Reply("city?")
        name = ctx.conversation.data["name"]
        await ctx.end_flow()
        return Reply(f"{name} from {ctx.args}")


async def answered_later(app, user):
    """The reply a command sent when its background work ended (a round's preview, headcount, run):
    waits for that work, delivers the outbox, and returns the last message `user` received."""
    await app.core.background.drain()
    await app.dispatcher.drain()
    inbox = user.inbox()
    assert inbox, "no answer came later"
    return inbox[-1].reply
