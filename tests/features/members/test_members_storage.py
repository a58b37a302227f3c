"""Storage-heavy member logic on SQLite and PostgreSQL: joining, custom skills and merges, link codes."""

from __future__ import annotations

import re

from sqlalchemy import select

from adapters.memory import MemoryAdapter
from storage import member_skills
from storage.models import Identity, MemberSkill, Skill, Venue


async def test_journey_on_both_databases(any_app, memory):
    app = any_app
    async with app.db.session() as session:
        code = (await session.execute(select(Venue.join_code).where(Venue.slug == "moulin"))).scalar_one()
    ana = memory.user("1", "Ana")
    await ana.send(f"/start {code}")
    await ana.send("impresion 3d, didgeridoo")
    await ana.send("design")  # ambiguous: the candidates, and the last step once one is chosen
    await ana.press("Design UX")
    await ana.press("Tout le réseau")
    bob = memory.user("2", "Bob", language="en")
    await bob.send(f"/join {code}")
    await bob.send("/offer didgeridou, music")
    async with app.db.session() as session:
        assert await member_skills.merge_custom(session, "custom-didgeridoo", "music") == 1
    async with app.db.session() as session:
        rows = await session.execute(select(MemberSkill.member_id, MemberSkill.kind, Skill.slug).join(Skill))
        assert sorted((m, k, s) for m, k, s in rows) == [
            (1, "need", "ux-design"), (1, "offer", "3d-printing"), (1, "offer", "music"), (2, "offer", "music")]
    discord = MemoryAdapter("discord")
    await discord.start(app.core)
    link = re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", (await ana.send("/lier"))[0].text).group()
    await discord.user("99", "Ana D").send(f"/link {link}")
    async with app.db.session() as session:
        owners = {p: m for p, m in await session.execute(select(Identity.platform, Identity.member_id)
                                                         .where(Identity.platform_user_id.in_(["1", "99"])))}
    assert owners == {"memory": 1, "discord": 1}
