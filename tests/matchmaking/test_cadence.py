"""Who is due by their cadence (`build_pool`): a member's last proposal, however old their history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.matchmaking.candidates import build_pool
from storage.models import Member
from storage.models.matchmaking import Introduction, IntroductionMember


async def test_a_member_is_due_when_their_last_proposal_is_a_cadence_old(app, net, clock):
    at = clock.now()
    people = {name: (await net.member(name, needs="3d-printing")).id for name in ("Mona", "Wes", "Old", "New")}
    async with app.db.session() as session:
        await session.execute(update(Member).where(Member.id == people["Mona"]).values(cadence="monthly"))
        await session.execute(update(Member).where(Member.id == people["Wes"]).values(cadence="weekly"))
        await session.execute(update(Member).where(Member.id == people["Old"]).values(cadence="monthly"))
        for days, members in ((20, ("Mona", "Wes")), (400, ("Old", "Mona")), (40, ("Old",))):
            intro = Introduction(score=5.0, source="one_off", created_at=at - timedelta(days=days),
                                 expires_at=at - timedelta(days=days - 3))
            session.add(intro)
            await session.flush()
            session.add_all(IntroductionMember(introduction_id=intro.id, slot=k, member_id=people[name])
                            for k, name in enumerate(members))
    async with app.db.read_session() as session:
        pool = await build_pool(session, app.config, at)
    # Mona (monthly) was proposed 20 days ago; Wes (weekly) too, long enough; Old's last is 40 days old.
    assert sorted(c.member_id for c in pool.candidates) == sorted(people[n] for n in ("Wes", "Old", "New"))
