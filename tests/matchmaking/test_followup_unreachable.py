"""Issue 18.5: a member who never started or blocked the bot. Driven through the real outbox
dispatcher, the platform answering "blocked": the member is marked unreachable and never retried,
their partner gets one kind note and priority next round, and the rest of the round goes on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.matchmaking.run import prepare, run_round
from bot.ports import Unreachable
from jobs.matchmaking import housekeeping
from storage.models import Identity, OutboxMessage
from tests.features.matchmaking.conftest import Network
from tests.matchmaking.followup_kit import introductions, prefs


@pytest.fixture
def any_net(any_app) -> Network:
    return Network(any_app)


async def test_a_blocked_member_is_unreachable_the_partner_is_told_once_and_the_round_goes_on(any_app, any_net, clock):
    app, net = any_app, any_net
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hugo = await net.member("Hugo", "hangar", offers="3d-printing", platform="telegram")
    leo = await net.member("Leo", "fabrique", needs="woodworking")
    mia = await net.member("Mia", "hangar", offers="woodworking", locale="en")
    # Telegram answers Hugo's proposal as it does when the bot was blocked (403 Forbidden).
    hugo.adapter.fail_for(hugo.user.ref.user_id, Unreachable("Forbidden: bot was blocked by the user"))
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.introductions == 2
    await app.dispatcher.drain()
    async with app.db.session() as session:
        status = dict((await session.execute(select(OutboxMessage.member_id, OutboxMessage.status))).all())
        attempts = (await session.execute(select(OutboxMessage.attempts)
                                          .where(OutboxMessage.member_id == hugo.id))).scalar_one()
        dm = (await session.execute(select(Identity.dm_status).where(Identity.member_id == hugo.id))).scalar_one()
    assert status[hugo.id] == "unreachable" and attempts == 1 and dm == "unreachable"
    assert hugo.inbox() == [] and len(ana.inbox()) == 1
    # The tick closes the lost introduction: Ana is told once, kindly, and gets priority.
    counts = await housekeeping(app, clock.now())
    assert counts["undeliverable"] == 1
    await app.dispatcher.drain()
    [note] = ana.inbox("Je n'ai pas pu joindre Hugo")
    assert "prochain tour" in note.text and "bloqu" not in note.text
    assert (await prefs(app, ana.id)).priority
    clock.advance(minutes=15)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox("Je n'ai pas pu joindre Hugo")) == 1  # once
    # No retry: Hugo's proposal stays unreachable, nothing more was attempted.
    async with app.db.session() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.member_id == hugo.id))).scalar_one()
    assert (row.status, row.attempts) == ("unreachable", 1)
    # The round goes on: Leo and Mia's introduction is untouched and they can answer it.
    by_member = {s.member_id: intro for intro in await introductions(app) for s in intro.members}
    assert by_member[hugo.id].status == "expired" and by_member[leo.id].status == "proposed"
    await leo.user.press(leo.inbox()[0].reply.all_buttons()[0])
    [both] = await mia.user.press(mia.inbox()[0].reply.all_buttons()[0])
    assert "Leo" in both.text
    # Next round: Hugo is no candidate (unreachable), Ana comes with priority.
    clock.advance(days=14)
    async with app.db.read_session() as session:
        prepared = await prepare(session, app.config, clock.now())
    candidates = {c.member_id: c for c in prepared.pool.candidates}
    assert hugo.id not in candidates and candidates[ana.id].priority


async def test_a_one_off_partner_who_blocked_the_bot_closes_it_with_the_same_kind_note(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hugo = await net.member("Hugo", "hangar", offers="3d-printing")
    hugo.adapter.fail_for(hugo.user.ref.user_id, Unreachable("Forbidden: bot was blocked by the user"))
    [sent] = await ana.user.send("/rencontres maintenant")
    assert "Hugo" in sent.text
    await app.dispatcher.drain()
    counts = await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert counts["undeliverable"] == 1
    assert len(ana.inbox("Je n'ai pas pu joindre Hugo")) == 1 and (await prefs(app, ana.id)).priority
    [intro] = await introductions(app)
    assert intro.round_id is None and intro.status == "expired"


async def test_forget_during_a_one_off_withdraws_the_partners_undelivered_proposal(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hugo = await net.member("Hugo", "hangar", offers="3d-printing")
    await ana.user.send("/rencontres maintenant")  # written, not delivered yet
    await ana.user.send("/oublier")
    await ana.user.press("Oui")
    await app.dispatcher.drain()
    assert hugo.inbox() == []  # the proposal named Ana: deleted, never sent
    [intro] = await introductions(app)
    assert intro.status == "cancelled" and intro.requested_by_id is None
    assert sorted(str(s.member_id) for s in intro.members) == sorted(["None", str(hugo.id)])


async def test_a_partner_whose_proposal_still_waits_is_not_told_and_the_proposal_is_withdrawn(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hugo = await net.member("Hugo", "hangar", offers="3d-printing")
    hugo.adapter.fail_for(hugo.user.ref.user_id, Unreachable("Forbidden: bot was blocked by the user"))
    assert (await run_round(app.db, app.config, clock.now())).introductions == 1
    async with app.db.session() as session:  # Ana's proposal waits for the end of her quiet hours
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.member_id == ana.id))).scalar_one()
        row.next_attempt_at = clock.now() + timedelta(hours=10)
    await app.dispatcher.drain()
    counts = await housekeeping(app, clock.now())
    assert counts["undeliverable"] == 1
    await app.dispatcher.drain()
    clock.advance(hours=11)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert ana.inbox() == []  # neither the proposal of a closed introduction nor a note about it
    async with app.db.session() as session:
        status = dict((await session.execute(select(OutboxMessage.member_id, OutboxMessage.status))).all())
    assert status == {ana.id: "cancelled", hugo.id: "unreachable"}
    assert (await prefs(app, ana.id)).priority
