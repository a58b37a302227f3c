"""Introductions on request, through the real core and outbox: double opt-in, limits, expiry, privacy."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from adapters.memory import MemoryAdapter
from bot.types import Button
from jobs.intro_requests import expire_requests
from storage.models import Activity, OutboxMessage
from storage.models.intro_requests import IntroRequest


async def test_request_accept_exchanges_contacts(app, memory, people):
    ana = await people.add("Ana", offers=["3d-printing"], user_id="10", handle="ana_3d")
    await people.add("Bob", venue="fabrique", user_id="20", handle="bob_velo")
    bob, ana_user = memory.user("20"), memory.user("10")
    await bob.send("/chercher impression 3d")
    prompt = await bob.press("Rencontrer Ana")
    assert "En une phrase" in prompt[0].text
    sent = await bob.send("Je lance un atelier vélo, un conseil ?")
    assert "C'est envoyé à Ana" in sent[0].text
    await app.dispatcher.drain()
    [message] = memory.to_user("10")
    assert "Bob (La Fabrique)" in message.text and "« Impression 3D »" in message.text
    assert "Je lance un atelier vélo" in message.text
    assert "bob_velo" not in message.text and "ana_3d" not in bob.text  # nothing revealed yet
    answer = await ana_user.press(Button("x", "iacc", message.reply.all_buttons()[0].payload))
    assert "bob_velo" in answer[0].text
    await app.dispatcher.drain()
    [accepted] = [d for d in memory.to_user("20") if "accepté" in d.text]
    assert "ana_3d" in accepted.text
    async with app.db.session() as session:
        request = (await session.execute(select(IntroRequest))).scalar_one()
        assert (request.addressee_id, request.status) == (ana, "accepted")
        assert (await session.execute(select(func.count()).select_from(Activity)
                                      .where(Activity.kind == "intro_made"))).scalar_one() == 1


async def test_accept_across_platforms_gives_each_the_other_platforms_handle(app, people):
    telegram, discord = MemoryAdapter("telegram"), MemoryAdapter("discord")
    for adapter in (telegram, discord):
        app.add_adapter(adapter)
        await adapter.start(app.core)
    await people.add("Ana", offers=["3d-printing"], platform="telegram", user_id="111", handle="ana_tg")
    await people.add("Bob", platform="discord", user_id="222", handle="bob_dc", locale="en")
    bob = discord.user("222", "Bob", language="en")
    await bob.send("/find 3d printing")
    await bob.press("Ask to meet Ana")
    await bob.send("Could you help me print a bike part?")
    await app.dispatcher.drain()
    [request] = telegram.to_user("111")
    ana = telegram.user("111", "Ana")
    answer = await ana.press(request.reply.all_buttons()[0])
    assert "Discord : bob_dc" in answer[0].text
    await app.dispatcher.drain()
    [accepted] = [d for d in discord.to_user("222") if "accepted" in d.text]
    assert "Telegram: @ana_tg" in accepted.text


async def test_decline_and_silence_give_the_same_neutral_answer(app, memory, people, clock):
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Cleo", offers=["3d-printing"], user_id="30")
    await people.add("Bob", user_id="20")
    bob = memory.user("20")
    for name in ("Ana", "Cleo"):
        await bob.send("/chercher impression 3d")
        await bob.press(next(b for b in bob.last[0].all_buttons() if name in b.label))
        await bob.send("Un coup de main pour mon projet ?")
    await app.dispatcher.drain()
    [to_ana] = memory.to_user("10")
    declined = await memory.user("10").press(to_ana.reply.all_buttons()[1])
    assert "réponse neutre" in declined[0].text
    await app.dispatcher.drain()
    clock.advance(days=7, minutes=1)
    assert await expire_requests(app) == 1
    await app.dispatcher.drain()
    answers = [d.text for d in memory.to_user("20")]
    assert answers == ["Ta demande de rencontre avec Ana n'a pas abouti cette fois. "
                       "Tu peux chercher d'autres personnes avec /chercher.",
                       "Ta demande de rencontre avec Cleo n'a pas abouti cette fois. "
                       "Tu peux chercher d'autres personnes avec /chercher."]
    [to_cleo] = memory.to_user("30")
    late = await memory.user("30").press(to_cleo.reply.all_buttons()[0])
    assert "n'est plus ouverte" in late[0].text


async def test_limits_three_pending_one_per_pair_and_ninety_days_after_a_decline(app, memory, people, clock):
    for n in range(4):
        await people.add(f"Maker{n}", offers=["3d-printing"], user_id=f"m{n}")
    await people.add("Bob", user_id="20")
    bob = memory.user("20")

    async def ask(n: int) -> str:
        await bob.send("/chercher impression 3d")
        await bob.press(next(b for b in bob.last[0].all_buttons() if f"Maker{n}" in b.label))
        if "En une phrase" in bob.text:
            await bob.send("Un conseil pour mon imprimante ?")
        return bob.text

    for n in range(3):
        assert "C'est envoyé" in await ask(n)
    assert "déjà 3 demandes" in await ask(3) and "(ou 7 jours)" in bob.text  # the days come from REQUEST_TTL
    assert "attend déjà" in await ask(0)
    await app.dispatcher.drain()
    [to_m0] = memory.to_user("m0")
    await memory.user("m0").press(to_m0.reply.all_buttons()[1])  # declines
    assert "ne peut pas recevoir" in await ask(0)
    clock.advance(days=89)
    assert "ne peut pas recevoir" in await ask(0)
    clock.advance(days=2)
    assert await expire_requests(app) == 2  # the two others went silent meanwhile
    assert "C'est envoyé" in await ask(0)


async def test_buttons_check_the_presser_and_refuse_forged_payloads(app, memory, people):
    ana = await people.add("Ana", offers=["3d-printing"], user_id="10")
    secret = await people.add("Secret", visibility="private", user_id="40")
    closed = await people.add("Closed", intros=False, user_id="50")
    me = await people.add("Bob", user_id="20")
    await people.add("Eve", user_id="30")
    bob, eve = memory.user("20"), memory.user("30")
    await bob.send("/chercher impression 3d")
    await bob.press("Rencontrer Ana")
    await bob.send("Bonjour, un conseil ?")
    await app.dispatcher.drain()
    [message] = memory.to_user("10")
    accept = message.reply.all_buttons()[0]
    await eve.press(accept)
    assert "pas destiné" in eve.text
    await bob.press(accept)  # the requester cannot accept for the addressee either
    assert "pas destiné" in bob.text
    for payload in ("abc", "1:2", "", "99999"):
        await eve.press(Button("x", "iacc", payload))
        assert "plus valable" in eve.text or "pas destiné" in eve.text
    await bob.press(Button("x", "ireq", f"{me}:0"))
    assert "toi-même" in bob.text
    for target in (secret, closed, 99999):
        await eve.press(Button("x", "ireq", f"{target}:0"))
        assert "ne peut pas recevoir" in eve.text
    await eve.press(Button("x", "ireq", "x:y"))
    assert "plus valable" in eve.text
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(IntroRequest))).scalar_one() == 1
    assert ana


async def test_context_must_be_one_reasonable_line(app, memory, people):
    await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Bob", user_id="20")
    bob = memory.user("20")
    await bob.send("/chercher impression 3d")
    await bob.press("Rencontrer Ana")
    await bob.send("ok")
    assert "C'est un peu court" in bob.text and "/annuler" in bob.text
    await bob.send("x" * 400)
    assert "400 caractères, 280 au plus" in bob.text
    await bob.send("/annuler")
    await app.dispatcher.drain()
    assert memory.to_user("10") == []


async def test_the_request_is_a_nudge_deferred_by_quiet_hours_but_never_dropped_for_budget(app, memory, people, clock):
    ana = await people.add("Ana", offers=["3d-printing"], user_id="10")
    await people.add("Bob", user_id="20")
    async with app.db.session() as session:  # Ana's attention budget is spent
        for n in range(app.config.attention.budget_per_30_days):
            session.add(OutboxMessage(key=f"spent:{n}", platform="memory", user_id="10", member_id=ana, purpose="x",
                                      nudge=True, payload={"text": "x"}, status="sent", created_at=clock.now(),
                                      next_attempt_at=clock.now()))
    clock.advance(hours=11)  # 21:00 in Paris: quiet hours
    bob = memory.user("20")
    await bob.send("/chercher impression 3d")
    await bob.press("Rencontrer Ana")
    await bob.send("Un conseil pour mon imprimante ?")
    async with app.db.session() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.purpose == "intro_request"))).scalar_one()
    assert row.nudge and row.payload["silent"]
    assert row.next_attempt_at == datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)  # Thursday 09:00 in Paris
    await app.dispatcher.drain()
    assert memory.to_user("10") == []  # deferred, not sent in the evening
