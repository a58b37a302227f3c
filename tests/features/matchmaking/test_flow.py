"""The member's journey: a scheduled round proposes, both accept, contacts cross platforms, one follow-up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.matchmaking.run import run_round
from jobs.matchmaking import housekeeping
from storage.models.matchmaking import Introduction


async def test_round_proposes_both_accept_contacts_cross_platforms_and_one_follow_up(app, net, clock):
    ana = await net.member("Ana", "fabrique", platform="telegram", handle="ana_t", needs="3d-printing",
                           interests="woodworking")
    hugo = await net.member("Hugo", "hangar", platform="discord", handle="hugo_d", offers="3d-printing",
                            interests="woodworking", locale="en")
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.status == "ran" and outcome.introductions == 1
    await app.dispatcher.drain()
    [to_ana] = ana.inbox()
    [to_hugo] = hugo.inbox()
    assert "Hugo (Le Hangar)" in to_ana.text and "propose « Impression 3D »" in to_ana.text.replace("impression", "Impression")
    assert "Ana (La Fabrique)" in to_hugo.text and "which you offer" in to_hugo.text
    assert "you both like" in to_hugo.text
    assert to_ana.reply.silent  # a nudge

    waiting = await ana.user.press(to_ana.reply.all_buttons()[0])
    assert "dès que" in waiting[0].text and "@" not in waiting[0].text
    revealed = await hugo.user.press(to_hugo.reply.all_buttons()[0])
    assert "Telegram: @ana_t" in revealed[0].text
    await app.dispatcher.drain()
    [reveal_to_ana] = ana.inbox("Discord")
    assert "Discord : hugo_d" in reveal_to_ana.text

    clock.advance(days=7, hours=1)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox("Hugo et toi")) == 1
    assert len(hugo.inbox("you and Ana recently")) == 1
    clock.advance(days=1)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox("Hugo et toi")) == 1  # once, nothing more
    thanks = await ana.user.press(ana.inbox("Hugo et toi")[0].reply.all_buttons()[0])
    assert "merci" in thanks[0].text.lower()
    async with app.db.session() as session:
        intro = (await session.execute(select(Introduction).options(selectinload(Introduction.members)))).scalar_one()
        assert intro.status == "revealed"
        assert sorted(str(s.met) for s in intro.members) == ["None", "yes"]
