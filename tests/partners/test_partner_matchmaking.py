"""Matchmaking rounds include partner contacts who opted in, scored by their partner's needs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.matchmaking.candidates import build_pool
from bot.matchmaking.run import run_round
from storage.models import Role, Skill, Venue
from storage.models.hosts_partners import Opportunity
from storage.models.matchmaking import IntroductionMember


async def test_a_contact_is_matched_with_who_offers_what_the_partner_looks_for(app, people, clock):
    paula = await people.add("Paula", user_id="1")
    ana = await people.add("Ana", venue="fabrique", offers=["3d-printing"], user_id="10")
    bob = await people.add("Bob", venue="moulin", offers=["welding"], user_id="20")
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == "universite"))).scalar_one()
        skill_id = (await session.execute(select(Skill.id).where(Skill.slug == "3d-printing"))).scalar_one()
        session.add(Role(member_id=paula, role="partner", venue_id=venue_id))
        session.add(Opportunity(kind="project_call", title="Prototypes", partner_venue_id=venue_id,
                                posted_by_id=paula, skill_ids=[skill_id], closes_at=clock.now() + timedelta(days=20)))
    async with app.db.session() as session:
        pool = await build_pool(session, app.config, clock.now())
    needs = {c.member_id: c.needs for c in pool.candidates}
    assert needs[paula] == frozenset({skill_id}) and needs[ana] == frozenset() and needs[bob] == frozenset()
    await run_round(app.db, app.config, clock.now())
    async with app.db.session() as session:
        rows = (await session.execute(select(IntroductionMember.introduction_id, IntroductionMember.member_id))).all()
    together = {}
    for intro, member in rows:
        together.setdefault(intro, set()).add(member)
    assert {paula, ana} in together.values()


async def test_a_closed_opportunity_no_longer_counts(app, people, clock):
    paula = await people.add("Paula", user_id="1")
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == "universite"))).scalar_one()
        session.add(Role(member_id=paula, role="partner", venue_id=venue_id))
        session.add(Opportunity(kind="job", title="Ancienne", partner_venue_id=venue_id, skill_ids=[1],
                                status="closed", closes_at=clock.now() + timedelta(days=2)))
    async with app.db.session() as session:
        pool = await build_pool(session, app.config, clock.now())
    assert [c.needs for c in pool.candidates if c.member_id == paula] == [frozenset()]
