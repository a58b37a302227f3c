"""The one-off's restricted pool loses no possible partner: everyone the engine sees a link with
(in the whole network's pool) is among the members `one_off` reads first, merged custom skills and
partners' contacts (whose needs come from open opportunities) included."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from bot.matchmaking.candidates import build_pool
from bot.matchmaking.engine import scoring
from bot.matchmaking.one_off import _linked
from bot.partners.contacts import PARTNER_ROLE
from storage.models import Member, MemberSkill, Role, Skill, Venue
from storage.models.hosts_partners import Opportunity

SLUGS = ["3d-printing", "woodworking", "music"]


async def test_the_restricted_pool_keeps_everyone_the_engine_could_pair(app, net, clock):
    rng = random.Random(17)
    for k in range(14):
        picks = {kind: " ".join(s for s in SLUGS if rng.random() < 0.3) for kind in ("offers", "needs", "interests")}
        await net.member(f"M{k}", rng.choice(["hangar", "fabrique", "moulin"]), **picks)
    now = clock.now()
    carpenter = await net.member("Carpenter", "fabrique")
    contact = await net.member("Contact", None)
    async with app.db.session() as session:
        # A custom skill merged into woodworking, the carpenter's only skill.
        wood = (await session.execute(select(Skill.id).where(Skill.slug == "woodworking"))).scalar_one()
        custom = Skill(slug="menuiserie-fine", label_fr="Menuiserie fine", label_en="Fine joinery", custom=True,
                       merged_into_id=wood)
        session.add(custom)
        await session.flush()
        session.add(MemberSkill(member_id=carpenter.id, skill_id=custom.id, kind="offer"))
        # A partner's contact with no skill of their own, whose open opportunity wants music.
        music = (await session.execute(select(Skill.id).where(Skill.slug == "music"))).scalar_one()
        campus = (await session.execute(select(Venue.id).where(Venue.slug == "universite"))).scalar_one()
        session.add(Role(member_id=contact.id, role=PARTNER_ROLE, venue_id=campus))
        session.add(Opportunity(kind="project", title="Chorale", partner_venue_id=campus, skill_ids=[music],
                                closes_at=now + timedelta(days=30), status="open"))
    await net.member("Needs wood", "hangar", needs="woodworking")
    await net.member("Plays music", "moulin", offers="music")
    async with app.db.session() as session:
        pool = await build_pool(session, app.config, now)
        by_id = {c.member_id: c for c in pool.candidates}
        wood_needer = next(c for c in pool.candidates if c.name == "Needs wood")
        musician = next(c for c in pool.candidates if c.name == "Plays music")
        assert scoring.has_link(wood_needer, by_id[carpenter.id]) and scoring.has_link(musician, by_id[contact.id])
        links = 0
        for me in pool.candidates:
            linked = set((await session.execute(await _linked(session, await session.get(Member, me.member_id), now)))
                         .scalars())
            for other in pool.candidates:
                if other.member_id != me.member_id and scoring.has_link(me, other):
                    links += 1
                    assert other.member_id in linked, (me.name, other.name)
        assert links >= 20
