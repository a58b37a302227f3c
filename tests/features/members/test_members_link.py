"""/link across two platforms: one member, two identities; codes expire, are single use, unguessable."""

from __future__ import annotations

import re
from sqlalchemy import select

from adapters.memory import MemoryAdapter
from bot.members.chat.link import normalise
from storage.models import Identity, Member, Venue
from storage.models.linking import LinkCode

CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")


async def join(app, user) -> None:
    async with app.db.session() as session:
        code = (await session.execute(select(Venue.join_code).where(Venue.slug == "hangar"))).scalar_one()
    await user.send(f"/start {code}")
    await user.send("/cancel")


async def link_code(user) -> str:
    return CODE.search((await user.send("/link"))[0].text).group()


async def owners(app) -> dict[str, int | None]:
    """platform:user_id -> member id."""
    async with app.db.session() as session:
        rows = await session.execute(select(Identity.platform, Identity.platform_user_id, Identity.member_id))
        return {f"{platform}:{user}": member_id for platform, user, member_id in rows}


async def test_link_two_platforms_into_one_member(app, memory, clock):
    discord = MemoryAdapter("discord")
    await discord.start(app.core)
    ana_tg = memory.user("11", "Ana", language="fr")
    ana_dc = discord.user("5550001", "ana#1", language="en")
    await join(app, ana_tg)
    code = await link_code(ana_tg)
    assert "/lier" in ana_tg.text and "10 minutes" in ana_tg.text
    reply = (await ana_dc.send(f"/link {code.lower().replace('0', 'o')}"))[0]  # case and O/0 forgiven
    assert "Done, Ana" in reply.text and "Discord" in reply.text
    assert await owners(app) == {"memory:11": 1, "discord:5550001": 1}
    await app.dispatcher.drain()
    [notice] = memory.to_user("11")
    assert "Discord" in notice.text  # the first platform is told
    assert "Ana" == (await ana_dc.send("/profile"))[0].title  # the same profile on the other platform
    # Spent; and the profile's language (French) now wins over the platform's.
    assert "ne fonctionne pas" in (await ana_dc.send(f"/link {code}"))[0].text
    assert "déjà relié" in (await ana_dc.send(f"/link {await link_code(ana_tg)}"))[0].text
    async with app.db.session() as session:
        assert len(list((await session.execute(select(Member))).scalars())) == 1


async def test_codes_are_single_use_expire_and_wrong_ones_answer_alike(app, memory, clock):
    discord = MemoryAdapter("discord")
    await discord.start(app.core)
    ana = memory.user("11", "Ana")
    await join(app, ana)
    bob = discord.user("1", "Bob", language="en")
    carl = discord.user("2", "Carl", language="en")
    answers = {(await bob.send("/link AAAAA-BBBBB-CCCCC"))[0].text, (await bob.send("/link nonsense"))[0].text}
    old = await link_code(ana)
    fresh = await link_code(ana)  # asking again replaces the previous code
    answers.add((await bob.send(f"/link {old}"))[0].text)
    clock.advance(minutes=11)
    answers.add((await bob.send(f"/link {fresh}"))[0].text)  # expired
    code = await link_code(ana)
    await bob.send(f"/link {code}")
    answers.add((await carl.send(f"/link {code}"))[0].text)  # already used
    assert len(answers) == 1 and "doesn't work" in (answer := answers.pop()) and "10 minutes" in answer
    found = await owners(app)
    assert found["discord:1"] == 1 and found["discord:2"] is None
    async with app.db.session() as session:
        stored = list((await session.execute(select(LinkCode.code_hash))).scalars())
    assert normalise(code) not in stored and all(len(h) == 64 for h in stored)  # only digests


async def test_an_identity_with_its_own_profile_is_refused_politely(app, memory):
    discord = MemoryAdapter("discord")
    await discord.start(app.core)
    ana, ana_dc = memory.user("11", "Ana"), discord.user("7", "Ana D", language="en")
    await join(app, ana)
    await join(app, ana_dc)
    reply = (await ana_dc.send(f"/link {await link_code(ana)}"))[0]
    assert "already has its own profile" in reply.text and "/forget" in reply.text
    assert await owners(app) == {"memory:11": 1, "discord:7": 2}


async def test_link_needs_a_member_to_give_a_code_and_forget_erases_codes(app, memory):
    eve = memory.user("66", "Eve")
    assert "Rejoins d'abord" in (await eve.send("/lier"))[0].text
    ana = memory.user("11", "Ana")
    await join(app, ana)
    await link_code(ana)
    await ana.send("/mydata")
    assert b'"link_codes"' in ana.last[0].attachment.content
    await ana.send("/oublier")
    await ana.press("Oui")
    async with app.db.session() as session:
        assert list((await session.execute(select(LinkCode))).scalars()) == []
