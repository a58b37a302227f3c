"""What members do with a campaign: poll answers counted once per member, "I'm interested" as a
double opt-in introduction, "no more campaigns" honoured at once and everywhere, forged presses
refused, /mydata and /forget."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.campaigns.results import campaign_stats
from bot.types import Button
from campaign_helpers import compose, make_animator, people, send_now  # noqa: F401 (fixture)
from storage.models import OutboxMessage
from storage.models.campaigns import Campaign, CampaignRecipient


async def _network(app, people):
    anim_id = await people.add("Anim", venue="hangar", user_id="animator", handle="anim")
    await make_animator(app, anim_id)
    for name in ("ana", "bob", "cleo"):
        await people.add(name.capitalize(), venue="fabrique", user_id=name, handle=name)


async def _stats(app, campaign_id=1):
    async with app.db.session() as session:
        return await campaign_stats(session, await session.get(Campaign, campaign_id))


async def test_poll_answers_count_once_per_member(app, memory, people):
    await _network(app, people)
    animator = memory.user("animator")
    preview = await compose(animator, poll="Oui / Non")
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    ana, bob = memory.user("ana"), memory.user("bob")
    [message] = ana.inbox()
    yes, no = message.reply.all_buttons()[:2]
    assert "Merci" in (await ana.press(yes))[0].text
    await ana.press(yes)
    assert "modifié" in (await ana.press(no))[0].text
    await bob.press(yes)
    stats = await _stats(app)
    assert stats["answers"] == {"Oui": 1, "Non": 1} and stats["targeted"] == 4 and stats["sent"] == 4
    # A forged press: an option the poll does not have, another campaign, letters.
    for payload in ("1:7", "99:0", "x:0", "1:-1"):
        assert "plus valable" in (await ana.press(Button("?", "cp.a", payload)))[0].text
    assert (await _stats(app))["answers"] == {"Oui": 1, "Non": 1}


async def test_no_more_campaigns_is_honoured_at_once_everywhere(app, memory, people, clock):
    await _network(app, people)
    animator = memory.user("animator")
    preview = await compose(animator)
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    # A second campaign spread over three hours: most of it waits in the outbox.
    preview = await compose(animator, fr="Deuxième nouvelle", en=None, when="maintenant sur 3h")
    await animator.press(animator.find_button("Envoyer", preview))
    from bot.campaigns.sending import deliver_due
    await deliver_due(app.db, app.config, clock.now())
    ana = memory.user("ana")
    first = ana.inbox()[0]
    replies = await ana.press(first.reply.all_buttons()[-1])  # "Plus de campagnes"
    assert "plus aucune campagne" in replies[0].text
    clock.advance(hours=4)
    await app.dispatcher.drain()
    assert [d.text.split("\n")[0] for d in ana.inbox()] == ["Portes ouvertes à La Fabrique samedi !"], \
        "the waiting campaign message was cancelled"
    preview = await compose(animator, fr="Troisième", en=None)
    assert "4 membres : 3 le recevront" in preview[0].text and "injoignables : 1" in preview[0].text
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    assert len(ana.inbox()) == 1
    assert (await _stats(app, 1))["opt_outs"] == 1


async def test_interested_is_a_double_opt_in_introduction(app, memory, people):
    await _network(app, people)
    animator = memory.user("animator")
    preview = await compose(animator, interested=True)
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    ana = memory.user("ana")
    button = ana.find_button("Ça m'intéresse", [ana.inbox()[0].reply])
    assert "J'ai prévenu Anim" in (await ana.press(button))[0].text
    await app.dispatcher.drain()
    ask = [d for d in memory.to_user("animator") if "intéressé" in d.text][-1]
    assert "Ana est intéressé·e" in ask.text and ": ana" not in ask.text, "no contact before both agree"
    # Bob cannot accept in the animator's place.
    bob = memory.user("bob")
    introduce = ask.reply.all_buttons()[0]
    assert "plus valable" in (await bob.press(introduce))[0].text
    await animator.press(introduce)
    await app.dispatcher.drain()
    assert "joindre Anim :\nMemory : anim" in ana.inbox()[-1].text
    assert "joindre Ana :\nMemory : ana" in memory.to_user("animator")[-1].text
    assert (await _stats(app))["interested"] == 1


async def test_mydata_lists_campaigns_and_answers_and_forget_erases_them(app, memory, people):
    await _network(app, people)
    animator = memory.user("animator")
    preview = await compose(animator, poll="Oui / Non")
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    ana = memory.user("ana")
    await ana.press(ana.inbox()[0].reply.all_buttons()[0])
    [reply] = await ana.send("/mydata")
    document = json.loads(reply.attachment.content)
    [received] = document["campaigns"]["received"]
    assert received["answer"] == "Oui" and received["text"].startswith("Portes ouvertes")
    await ana.send("/oublier")
    await ana.press("Oui")
    async with app.db.session() as session:
        left = (await session.execute(select(CampaignRecipient.member_id))).scalars().all()
        assert len(left) == 3
        keys = (await session.execute(select(OutboxMessage.key).where(OutboxMessage.user_id == "ana"))).scalars().all()
        assert keys == []
    assert (await _stats(app))["answers"] == {"Oui": 0, "Non": 0}
