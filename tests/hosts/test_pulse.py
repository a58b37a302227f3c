"""The weekly pulse on the real core: sent once a week, skipped when empty, answers summarised once."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.types import Button
from jobs.hosts import send_weekly_pulses, summarise_pulses
from storage.models.hosts_partners import CohostProposal, HostPulse
from testkit import T0
from tests_hosts_helpers import add_event, bind_hosts_chat, make_host, venue_id


async def test_pulse_sent_once_a_week_and_skipped_when_empty(app, memory, people, clock):
    ana = await people.add("Ana", user_id="10")
    bob = await people.add("Bob", venue="moulin", user_id="20")
    await make_host(app, ana, "hangar")
    await make_host(app, bob, "moulin")  # nothing happens at Le Moulin: no pulse
    await add_event(app, "hangar", "Café des makers", T0 + timedelta(days=2))
    await people.add("Nouvelle", user_id="30")  # a new member at Le Hangar
    assert await send_weekly_pulses(app) == 1
    assert await send_weekly_pulses(app) == 0  # same week: nothing twice
    await app.dispatcher.drain()
    [pulse] = memory.to_user("10")
    assert "Café des makers" in pulse.text and "un nouveau membre" in pulse.text
    assert [b.label for b in pulse.reply.all_buttons()] == [
        "Une compétence", "Un coup de main pour un événement", "Une salle", "Rien cette semaine",
        "Ne plus recevoir ce point"]
    assert memory.to_user("20") == []
    clock.advance(days=7)
    await add_event(app, "hangar", "Atelier vélo", clock.now() + timedelta(days=1))
    assert await send_weekly_pulses(app) == 1  # a new week
    async with app.db.session() as session:
        assert len((await session.execute(select(HostPulse))).scalars().all()) == 2


async def test_answers_are_summarised_once_in_the_hosts_chat_with_who_asked(app, memory, people):
    await bind_hosts_chat(app)
    ana = await people.add("Ana", user_id="10")
    cleo = await people.add("Cléo", venue="fabrique", user_id="30")
    await make_host(app, ana, "hangar")
    await make_host(app, cleo, "fabrique")
    await add_event(app, "hangar", "Café des makers", T0 + timedelta(days=2))
    await add_event(app, "fabrique", "Soudure", T0 + timedelta(days=3))
    assert await send_weekly_pulses(app) == 2
    await app.dispatcher.drain()
    [to_ana], [to_cleo] = memory.to_user("10"), memory.to_user("30")
    ana_user = memory.user("10")
    answer = await ana_user.press(to_ana.reply.all_buttons()[2])
    assert "une salle" in answer[0].text and "précises" in answer[0].text
    told = await ana_user.send("pour 40 personnes, le 12")
    assert "groupe des hôtes" in told[0].text
    await memory.user("30").press(to_cleo.reply.all_buttons()[3])  # nothing
    # forged: Cléo cannot answer Ana's pulse
    forged = await memory.user("30").press(Button("x", "pulse", to_ana.reply.all_buttons()[0].payload))
    assert "plus valable" in forged[0].text
    assert await summarise_pulses(app) == 1
    assert await summarise_pulses(app) == 0
    await app.dispatcher.drain()
    [summary] = memory.to_chat("-500")
    assert "Ana (Le Hangar) : une salle — pour 40 personnes, le 12" in summary.text and "Cléo" not in summary.text
    late = await memory.user("10").press(to_ana.reply.all_buttons()[0])
    assert "déjà résumé" in late[0].text


async def test_mydata_and_forget_cover_pulses_and_cohosting(app, memory, people):
    ana = await people.add("Ana", user_id="10")
    await make_host(app, ana, "hangar")
    await add_event(app, "hangar", "Café des makers", T0 + timedelta(days=2))
    await send_weekly_pulses(app)
    await app.dispatcher.drain()
    [pulse] = memory.to_user("10")
    user = memory.user("10")
    await user.press(pulse.reply.all_buttons()[0])
    document = json.loads((await user.send("/mesdonnees"))[0].attachment.content)
    assert document["hosts_network"]["pulses"][0]["answer"] == "skill"
    hangar, fabrique = await venue_id(app, "hangar"), await venue_id(app, "fabrique")
    async with app.db.session() as session:
        session.add(CohostProposal(key="k", kind="complement", from_venue_id=hangar, to_venue_id=fabrique,
                                   proposer_id=ana, title="Rencontre", status="pending"))
    await user.send("/oublier")
    await user.press("Oui")
    async with app.db.session() as session:
        assert (await session.execute(select(HostPulse))).first() is None
        proposal = (await session.execute(select(CohostProposal))).scalar_one()
        assert (proposal.proposer_id, proposal.status) == (None, "cancelled")


async def test_a_host_stops_the_pulse_and_turns_it_back_on(app, memory, people, clock):
    ana = await people.add("Ana", user_id="10")
    await make_host(app, ana, "hangar")
    await add_event(app, "hangar", "Café des makers", T0 + timedelta(days=2))
    assert await send_weekly_pulses(app) == 1
    await app.dispatcher.drain()
    [pulse] = memory.to_user("10")
    user = memory.user("10")
    stopped = await user.press(pulse.reply.all_buttons()[-1])
    assert "/point on" in stopped[0].text
    assert "ne reçois plus" in (await user.send("/point"))[0].text
    clock.advance(days=7)
    await add_event(app, "hangar", "Atelier vélo", clock.now() + timedelta(days=1))
    assert await send_weekly_pulses(app) == 0
    assert "de nouveau" in (await user.send("/point on"))[0].text
    assert await send_weekly_pulses(app) == 1
    assert json.loads((await user.send("/mesdonnees"))[0].attachment.content)["hosts_network"]["pulse_off"] is False
