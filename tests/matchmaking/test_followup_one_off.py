"""Issue 17: the one-off "introduce me this time" between rounds, by every rule of a round."""

from __future__ import annotations

from sqlalchemy import select

from bot.matchmaking.run import run_round
from jobs.matchmaking import housekeeping
from storage.models import OutboxMessage
from storage.models.matchmaking import IntroPreferences
from tests.matchmaking.followup_kit import introductions, pair


async def test_introduce_me_now_proposes_the_best_fresh_partner_to_both_once_a_week(app, net, clock, memory):
    ana, hugo = await pair(net)
    await net.member("Leo", "moulin", interests="woodworking")  # no reason to meet Ana
    [sent] = await ana.user.send("/rencontres maintenant")
    assert "Hugo" in sent.text and "tous les deux" in sent.text
    await app.dispatcher.drain()
    [to_ana] = ana.inbox()
    [to_hugo] = hugo.inbox()
    assert "Hugo (Le Hangar)" in to_ana.text and "Ana (La Fabrique)" in to_hugo.text and "which you offer" in to_hugo.text
    [intro] = await introductions(app)
    assert intro.round_id is None and intro.source == "one_off" and intro.requested_by_id == ana.id
    assert sorted(s.member_id for s in intro.members) == sorted([ana.id, hugo.id]) and intro.need_offer
    # The usual double opt-in: both accept, contacts cross platforms.
    await ana.user.press(to_ana.reply.all_buttons()[0])
    [revealed] = await hugo.user.press(to_hugo.reply.all_buttons()[0])
    assert "Telegram: @ana_t" in revealed.text
    # Once a week: the second ask says when the next one is possible, and sends nothing.
    clock.advance(days=2)
    [too_soon] = await ana.user.send("/rencontres maintenant")
    assert "tous les 7 jours" in too_soon.text and "02/12" in too_soon.text
    async with app.db.session() as session:
        proposals = (await session.execute(select(OutboxMessage.key).where(OutboxMessage.purpose == "mm.proposal"))).all()
    assert len(proposals) == 2
    [stats] = await memory.user("animator", "Boss", language="en").send("/matchmaking stats")
    assert "; 1 introduction on request." in stats.text


async def test_the_next_round_counts_a_one_off_as_a_meeting(app, net, clock):
    ana, hugo = await pair(net)
    lou = await net.member("Lou", "moulin", offers="3d-printing")  # fits Ana too, a little less well
    [sent] = await ana.user.send("/introductions now")
    assert "Hugo" in sent.text
    clock.advance(days=14)
    await housekeeping(app, clock.now())  # the one-off expires unanswered
    outcome = await run_round(app.db, app.config, clock.now())
    [fresh] = [i for i in (await introductions(app)) if i.round_id == outcome.round_id]
    assert sorted(s.member_id for s in fresh.members) == sorted([ana.id, lou.id]) and not fresh.repeat


async def test_one_off_respects_never_with_languages_open_introductions_and_opt_in(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hugo = await net.member("Hugo", "hangar", offers="3d-printing")
    await net.member("Kim", "moulin", offers="3d-printing", languages="de", locale="en")  # no shared language
    mia = await net.member("Mia", "moulin", offers="3d-printing", opt_in=False)
    async with app.db.session() as session:
        session.add(IntroPreferences(member_id=ana.id, never_with=[hugo.id], priority=False, venue_preference="other_venues_preferred"))
    [nobody] = await ana.user.send("/rencontres maintenant")
    assert "personne de nouveau" in nobody.text
    assert await introductions(app) == []
    # Mia turns introductions on; Ana asks again (nothing was made, so the weekly limit is untouched).
    await mia.user.send("/rencontres on")
    [sent] = await ana.user.send("/rencontres maintenant")
    assert "Mia" in sent.text
    # Now Ana is in an open introduction: she cannot ask another; Hugo asking finds nobody free.
    [busy] = await ana.user.send("/rencontres maintenant")
    assert "attend une réponse" in busy.text
    [hugo_alone] = await hugo.user.send("/rencontres maintenant")
    assert "personne de nouveau" in hugo_alone.text
    off = await net.member("Zed", "hangar", needs="3d-printing", opt_in=False)
    [turned_off] = await off.user.send("/rencontres maintenant")
    assert "/rencontres on" in turned_off.text


async def test_the_panel_button_asks_for_a_one_off_and_a_partner_who_cannot_be_written_is_skipped(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing", locale="en")
    await net.member("Hugo", "hangar", offers="3d-printing", reachable=False)  # never started the bot
    await net.member("Lou", "moulin", offers="3d-printing")
    await ana.user.send("/introductions")
    [sent] = await ana.user.press("Introduce me now")
    assert "Lou" in sent.text and sent.text.startswith("Done")
    [intro] = await introductions(app)
    assert len(intro.members) == 2


async def test_a_one_off_says_budget_only_when_the_budget_is_spent(app, net, clock):
    from bot.matchmaking import one_off
    from storage.models import Identity, Member

    ana, hugo = await pair(net)
    async with app.db.session() as session:
        for i in range(app.config.attention.budget_per_30_days):
            session.add(OutboxMessage(key=f"x{i}", platform="telegram", user_id="x", member_id=ana.id, purpose="digest",
                                      nudge=True, payload={"text": "x"}, status="sent", created_at=clock.now()))
    [spent] = await ana.user.send("/rencontres maintenant")
    assert "pas mal de messages" in spent.text
    async with app.db.session() as session:  # Hugo can no longer be written to: not a budget matter
        identity = (await session.execute(select(Identity).where(Identity.member_id == hugo.id))).scalar_one()
        identity.dm_status = "unreachable"
        outcome = await one_off.introduce_now(session, app.config, await session.get(Member, hugo.id), clock.now())
    assert outcome.kind == "off"
