"""The animators' `/matchmaking run` on a 3,000-member network (issue 19.3): the confirming press
answers at once, other people's commands answer while the round is planned, and the round is
written once, however many times the confirmation is pressed."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.matchmaking import run as run_module
from bot.matchmaking.periods import effective_schedule, period_of
from bot.types import Button
from storage.models import OutboxMessage
from storage.models.matchmaking import Introduction, MatchRound
from tests.matchmaking.test_round_keeps_the_bot_responsive import populate
from tests.reliability.long_jobs_helpers import BOUND_S, command_answers, pause_at
from tests.testkit import answered_later


async def due_period(app, now) -> str:
    async with app.db.session() as session:
        schedule = await effective_schedule(session, app.config)
    return period_of(schedule.due_at(now), app.config.network.timezone)


MEMBERS = 600  # the planning is held at a seam: the proof needs no size (the 3,000 round is timed elsewhere)


async def test_a_large_round_from_the_chat_leaves_the_chat_free_and_runs_once(app, memory, clock, monkeypatch):
    await populate(app, clock.now(), members=MEMBERS)
    boss = memory.user("animator", "Boss", language="fr")
    other = memory.user("someone", "Zoé")
    yes = Button("Oui, lancer", "mm.adm", "go:" + await due_period(app, clock.now()))
    planning = pause_at(monkeypatch, run_module, "build_history")  # inside `prepare`, before the solver

    press = asyncio.create_task(boss.press(yes))
    await planning.wait()  # the round is being planned now, and held there
    await command_answers(other)  # another person's command: answered, not "busy"
    started = await asyncio.wait_for(press, BOUND_S)  # the animator's own press answered too
    assert started[0].text.startswith("C'est lancé : le tour du 16/11 est en préparation"), started[0].text
    again = await boss.press(yes)  # pressed again while it is planned: not a second round
    assert again[0].text.startswith("Le tour du 16/11 est déjà en préparation"), again[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(MatchRound))).scalar_one() == 0

    planning.release.set()
    ran = await answered_later(app, boss)
    assert ran.text.startswith("C'est parti pour le tour du 16/11"), ran.text
    await boss.press(yes)  # once it is written, the same press says so and sends nothing
    assert "entre-temps" in (await answered_later(app, boss)).text
    async with app.db.session() as session:
        rounds = (await session.execute(select(func.count()).select_from(MatchRound))).scalar_one()
        introductions = (await session.execute(select(func.count()).select_from(Introduction))).scalar_one()
        proposals = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                           .where(OutboxMessage.purpose == "mm.proposal"))).scalar_one()
    assert rounds == 1 and introductions > MEMBERS // 3
    assert proposals >= 2 * introductions  # every member of every introduction told, once


async def test_a_round_that_fails_after_the_answer_tells_the_animator_and_sends_nothing(app, memory, clock,
                                                                                       monkeypatch):
    await populate(app, clock.now(), members=12)
    boss = memory.user("animator", "Boss", language="fr")
    yes = Button("Oui, lancer", "mm.adm", "go:" + await due_period(app, clock.now()))

    async def broken(*args, **kwargs):
        raise RuntimeError("the planning broke")

    monkeypatch.setattr(run_module, "build_history", broken)
    started = await boss.press(yes)
    assert started[0].text.startswith("C'est lancé"), started[0].text
    failed = await answered_later(app, boss)
    assert failed.text == "La préparation du tour du 16/11 a échoué : rien n'a été envoyé. Réessaie dans quelques minutes."
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(MatchRound))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.purpose == "mm.proposal"))).scalar_one() == 0
