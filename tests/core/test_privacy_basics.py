"""/mydata and /forget at the foundation level: everything exported, everything erased, in one go."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.models import Activity, Identity, Member, MemberSkill, OutboxMessage, Skill
from storage.outbox import enqueue
from bot.types import Reply


async def make_member(app, user_id="ana", platform="memory"):
    async with app.db.session() as session:
        member = Member(display_name="Ana", bio="<b>fablab</b> & co", visibility="network")
        session.add(member)
        await session.flush()
        session.add(Identity(member_id=member.id, platform=platform, platform_user_id=user_id, display_name="Ana"))
        session.add(Identity(member_id=member.id, platform="discord", platform_user_id="999", display_name="Ana#1"))
        skill = (await session.execute(select(Skill).where(Skill.slug == "3d-printing"))).scalar_one()
        session.add(MemberSkill(member_id=member.id, skill_id=skill.id, kind="offer"))
        session.add(Activity(kind="member_joined", member_id=member.id, public=True, data={"name": "Ana"}))
        await enqueue(session, key="pending-intro", platform="discord", reply=Reply("hi"), user_id="999",
                      member_id=member.id, now=app.clock.now())
        return member.id


async def test_mydata_exports_everything_as_json(app, memory):
    await make_member(app)
    user = memory.user("ana", "Ana")
    [reply] = await user.send("/mesdonnees")
    document = json.loads(reply.attachment.content)
    assert document["profile"]["bio"] == "<b>fablab</b> & co"
    assert {i["platform"] for i in document["identities"]} == {"memory", "discord"}
    assert document["skills"] == [{"kind": "offer", "skill": "3d-printing", "fr": "Impression 3D", "en": "3D printing"}]
    assert document["messages"][0]["text"] == "hi"


async def test_mydata_is_private_only(app, memory):
    user = memory.user("ana")
    [reply] = await user.send("/mydata", chat=user.group("-1001"))
    assert reply.attachment is None and "privé" in reply.text


async def test_forget_asks_then_erases_everything(app, memory):
    member_id = await make_member(app)
    user = memory.user("ana", "Ana")
    await user.send("/oublier")
    await user.press("Non")
    async with app.db.session() as session:
        assert await session.get(Member, member_id) is not None
    await user.send("/oublier")
    [reply] = await user.press("Oui")
    assert "effacé" in reply.text
    async with app.db.session() as session:
        assert await session.get(Member, member_id) is None
        assert (await session.execute(select(func.count()).select_from(Identity))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(MemberSkill))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0
        activity = (await session.execute(select(Activity))).scalar_one()
        assert activity.member_id is None and activity.data == {}, "only an anonymous count survives"


async def test_forget_works_for_someone_who_never_joined(app, memory):
    user = memory.user("passer-by")
    await user.send("/help")
    await user.send("/forget")
    await user.press("Oui")
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Identity))).scalar_one() == 0


async def test_forget_leaves_no_message_to_or_about_the_member(app, memory):
    member_id = await make_member(app)
    async with app.db.session() as session:
        # A message delivered long ago, and one written before they joined (no member id on it).
        await enqueue(session, key="old", platform="memory", reply=Reply("about Ana"), user_id="ana",
                      member_id=member_id, now=app.clock.now())
        await enqueue(session, key="early", platform="memory", reply=Reply("welcome"), user_id="ana",
                      now=app.clock.now())
        skill = Skill(slug="custom-kitesurf", label_fr="kitesurf", label_en="kitesurf", custom=True)
        session.add(skill)
        await session.flush()
        session.add(MemberSkill(member_id=member_id, skill_id=skill.id, kind="interest"))
    await app.dispatcher.drain()
    user = memory.user("ana", "Ana")
    await user.send("/oublier")
    await user.press("Oui")
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0
        assert (await session.execute(select(Skill).where(Skill.slug == "custom-kitesurf"))).first() is None


async def test_mydata_includes_a_conversation_under_way(app, memory):
    await make_member(app)
    user = memory.user("ana", "Ana")
    await user.send("/evenement")  # not a host: refused, so start a flow everyone has
    await user.send("/profil")
    await user.press("Bio")
    [reply] = await user.send("/mesdonnees")
    document = json.loads(reply.attachment.content)
    assert document["conversations"] and document["conversations"][0]["flow"] == "profile"
