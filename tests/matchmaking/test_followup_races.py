"""Issue 17, races: a one-off introduction or "skip next round" while a round is being planned.

The round plans from a snapshot; the write re-reads what changed since and drops the affected
introductions as it drops unreachable ones (their partners get priority)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.matchmaking import run as run_module
from bot.matchmaking.run import PROPOSAL, run_round
from bot.matchmaking.one_off_pairs import history_pairs
from bot.matchmaking.prefs import preferences
from storage.models import OutboxMessage
from tests.features.matchmaking.conftest import any_net  # noqa: F401 -- the fixture
from tests.matchmaking.followup_kit import introductions, pair, prefs
from tests.reliability.long_jobs_helpers import pause_at


async def test_a_one_off_made_while_the_round_is_planned_drops_the_round_s_introduction(any_app, any_net, clock,
                                                                                        monkeypatch):
    app, net = any_app, any_net  # on SQLite and PostgreSQL (where the one-off locks the requester's row)
    ana, hugo = await pair(net)
    planning = pause_at(monkeypatch, run_module, "places_for")  # inside `prepare`, once the plan is made
    round_task = asyncio.create_task(run_round(app.db, app.config, clock.now()))
    await planning.reached.wait()
    [sent] = await ana.user.send("/rencontres maintenant")  # the same pair, by a one-off, meanwhile
    assert "Hugo" in sent.text
    planning.release.set()
    outcome = await round_task
    assert outcome.introductions == 0 and outcome.dropped == [((ana.id, hugo.id), ana.id)]
    [intro] = await introductions(app)
    assert intro.source == "one_off"
    async with app.db.session() as session:
        keys = list((await session.execute(select(OutboxMessage.key)
                                           .where(OutboxMessage.purpose == PROPOSAL))).scalars())
    assert len(keys) == 2 and all(":oneoff:" in k for k in keys)  # one proposal each, the one-off's
    hugo_prefs = await prefs(app, hugo.id)
    assert hugo_prefs is None or not hugo_prefs.priority  # he is in an introduction now: no priority


async def test_skip_next_round_pressed_while_the_round_is_planned_is_honoured(app, net, clock, monkeypatch):
    ana, hugo = await pair(net)
    planning = pause_at(monkeypatch, run_module, "places_for")
    round_task = asyncio.create_task(run_round(app.db, app.config, clock.now()))
    await planning.reached.wait()
    async with app.db.session() as session:  # pressed on an older follow-up, as the button does it
        (await preferences(session, ana.id, clock.now())).skip_next = True
    planning.release.set()
    outcome = await round_task
    assert outcome.introductions == 0 and outcome.dropped == [((ana.id, hugo.id), ana.id)]
    assert not (await prefs(app, ana.id)).skip_next  # used up by this round
    assert (await prefs(app, hugo.id)).priority
    await app.dispatcher.drain()
    assert ana.inbox() == [] and hugo.inbox() == []


async def test_no_repeat_window_means_one_off_pairs_are_no_exception(app, net, clock):
    ana, hugo = await pair(net)
    [sent] = await ana.user.send("/rencontres maintenant")
    assert "Hugo" in sent.text
    async with app.db.read_session() as session:
        assert await history_pairs(session, "2026-W50", 2) == {tuple(sorted((ana.id, hugo.id)))}
        assert await history_pairs(session, "2026-W50", 0) == set()
