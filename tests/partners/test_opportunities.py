"""Opportunities on the real core: posting, targeting under the attention budget, interest with a
double opt-in, closing at the date, role checks and forged buttons."""

from __future__ import annotations

from sqlalchemy import select

from bot.types import Button
from jobs.partners import close_opportunities
from storage.models import Role, Venue
from storage.models.hosts_partners import Opportunity, OpportunityInterest
from tests_partners_helpers import post


async def make_contact(app, member_id: int, slug: str = "universite") -> None:
    async with app.db.session() as session:
        venue_id = (await session.execute(select(Venue.id).where(Venue.slug == slug))).scalar_one()
        session.add(Role(member_id=member_id, role="partner", venue_id=venue_id))


async def test_post_targets_members_who_offer_the_skills(app, memory, people):
    poster = await people.add("Paula", user_id="1", handle="paula_univ")
    await make_contact(app, poster)
    await people.add("Ana", offers=["3d-printing"], user_id="10", handle="ana_3d")
    await people.add("Bob", offers=["3d-printing"], user_id="20", intros=False)  # not opted in
    await people.add("Cleo", offers=["welding"], user_id="30")  # other skill
    paula = memory.user("1")
    done = await post(paula)
    assert "proposée à 1 membre" in done[0].text
    await app.dispatcher.drain()
    [proposal] = memory.to_user("10")
    assert "Stage prototypage" in proposal.text and "Université" in proposal.text
    assert "Impression 3D" in proposal.text and "/rencontres" in proposal.text
    assert memory.to_user("20") == [] and memory.to_user("30") == []
    # listed, and the poster never gets an "I'm interested" on their own
    listed = await memory.user("30").send("/opportunites")
    assert any("Stage prototypage" in r.text for r in listed)
    assert [b.label for r in await paula.send("/opportunites") for b in r.all_buttons()] == []


async def test_interest_then_poster_accepts_exchanges_contacts(app, memory, people):
    poster = await people.add("Paula", user_id="1", handle="paula_univ")
    await make_contact(app, poster)
    await people.add("Ana", offers=["3d-printing"], user_id="10", handle="ana_3d")
    await post(memory.user("1"))
    await app.dispatcher.drain()
    [proposal] = memory.to_user("10")
    ana = memory.user("10")
    sent = await ana.press(proposal.reply.all_buttons()[0])
    assert "ça t'intéresse" in sent[0].text
    assert "paula_univ" not in sent[0].text
    again = await ana.press(proposal.reply.all_buttons()[0])
    assert "déjà" in again[0].text
    await app.dispatcher.drain()
    [ask] = [d for d in memory.to_user("1") if "intéressé" in d.text]
    assert "Ana (Le Hangar)" in ask.text and "ana_3d" not in ask.text
    # someone else than the poster cannot answer (a forged press)
    intruder = await people.add("Zoé", user_id="99")
    assert "plus valable" in (await memory.user("99").press(ask.reply.all_buttons()[0]))[0].text
    answer = await memory.user("1").press(ask.reply.all_buttons()[0])
    assert "ana_3d" in answer[0].text
    await app.dispatcher.drain()
    [accepted] = [d for d in memory.to_user("10") if "Bonne nouvelle" in d.text]
    assert "paula_univ" in accepted.text
    assert intruder


async def test_decline_gives_a_neutral_answer_and_closing_tells_the_poster(app, memory, people, clock):
    poster = await people.add("Paula", user_id="1")
    await make_contact(app, poster)
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Cleo", offers=["3d-printing"], user_id="30")
    await post(memory.user("1"), closes="1/12")
    await app.dispatcher.drain()
    for user_id in ("10", "30"):
        [proposal] = memory.to_user(user_id)
        await memory.user(user_id).press(proposal.reply.all_buttons()[0])
    await app.dispatcher.drain()
    asks = [d for d in memory.to_user("1") if "intéressé" in d.text]
    declined = await memory.user("1").press(asks[0].reply.all_buttons()[1])
    assert "sans donner de raison" in declined[0].text
    await app.dispatcher.drain()
    clock.advance(days=7)
    assert await close_opportunities(app) == 1
    assert await close_opportunities(app) == 0
    await app.dispatcher.drain()
    [closed] = [d for d in memory.to_user("1") if "est close" in d.text]
    assert "proposée : 2 · intéressé·es : 2 · mises en relation : 0" in closed.text
    neutral = [d for d in memory.sent if "Pas de mise en relation" in d.text]
    assert len(neutral) == 1
    async with app.db.session() as session:
        statuses = sorted((await session.execute(select(OpportunityInterest.status))).scalars())
        assert statuses == ["closed", "declined"]
        assert (await session.execute(select(Opportunity.status))).scalar_one() == "closed"
    # the poster's late accept on the closed one is refused
    assert "plus valable" in (await memory.user("1").press(asks[1].reply.all_buttons()[0]))[0].text
    assert (await memory.user("30").send("/opportunites"))[0].text.startswith("Aucune")


async def test_only_contacts_and_hosts_may_post_and_buttons_are_rechecked(app, memory, people):
    await people.add("Max", user_id="5")
    maxi = memory.user("5")
    assert "Seuls les contacts" in (await maxi.send("/opportunite"))[0].text
    forged = await maxi.press(Button("x", "opp.pub", "yes"))
    assert "plus valable" in forged[0].text
    assert "plus valable" in (await maxi.press(Button("x", "opp.int", "999999")))[0].text
    assert "plus valable" in (await maxi.press(Button("x", "opp.acc", "12345678901234567890")))[0].text
    # a contact whose role is withdrawn mid-flow cannot publish
    poster = await people.add("Paula", user_id="1")
    await make_contact(app, poster)
    paula = memory.user("1")
    await paula.send("/opportunity")
    async with app.db.session() as session:
        for role in (await session.execute(select(Role).where(Role.member_id == poster))).scalars():
            await session.delete(role)
    await paula.press("Emploi")
    await paula.send("Développeur·se web")
    await paula.press("Passer")
    await paula.press("Passer")
    await paula.press("Passer")
    await paula.press("Passer")
    await paula.send("15/12")
    refused = await paula.press("Publier")
    assert "Seuls les contacts" in refused[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(Opportunity))).first() is None


async def test_proposals_respect_the_attention_budget(app, memory, people):
    poster = await people.add("Paula", user_id="1")
    await make_contact(app, poster)
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    budget = app.config.attention.budget_per_30_days
    paula = memory.user("1")
    for i in range(budget + 1):
        await post(paula)
    await app.dispatcher.drain()
    assert len(memory.to_user("10")) == budget


async def test_bad_steps_get_clear_answers(app, memory, people):
    poster = await people.add("Paula", user_id="1")
    await make_contact(app, poster)
    paula = memory.user("1")
    await paula.send("/opportunite")
    await paula.send("stage")  # typed instead of pressed
    assert "titre" in paula.text
    assert "3 à 200" in (await paula.send("ok"))[0].text
    await paula.send("Un vrai titre")
    assert "compétences" in (await paula.send("rien"))[0].text  # typed instead of pressing "Passer"
    assert "Je ne reconnais pas" in (await paula.send("xqzwv"))[0].text
    await paula.press("Passer")
    await paula.send("étudiant·es")
    await paula.press("Passer")
    assert "passée" in (await paula.send("1/1/2020"))[0].text or "compris" in paula.text
    assert "trop loin" in (await paula.send("1/6/2027"))[0].text
    assert "Je n'ai pas compris" in (await paula.send("n'importe quoi"))[0].text
