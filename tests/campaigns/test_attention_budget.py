"""One attention budget every nudge shares: campaigns wait for quiet hours, skip members without
budget (keeping the last unit for a matchmaking proposal), honour /notifications everywhere, and
two processes writing at once on PostgreSQL cannot overspend it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.outbox.notify import notify_member
from bot.types import Button, Reply
from campaign_helpers import compose, make_animator, people, send_now  # noqa: F401 (fixture)
from storage.models import Member, OutboxMessage
from testkit import People


async def _spend(app, member_id: int, count: int) -> None:
    async with app.db.session() as session:
        member = await session.get(Member, member_id)
        for n in range(count):
            assert await notify_member(session, app.config, member, lambda t: Reply("x"), key=f"spent:{member_id}:{n}",
                                       purpose="digest", now=app.clock.now(), nudge=True)


async def test_the_preview_splits_now_after_quiet_hours_and_no_budget(app, memory, people, clock):
    clock.set(datetime(2026, 11, 25, 19, 30, tzinfo=timezone.utc))  # 20:30 in Paris: quiet hours
    anim_id = await people.add("Anim", user_id="animator", intros=False)
    await make_animator(app, anim_id)
    ana = await people.add("Ana", user_id="ana", intros=False)
    bob = await people.add("Bob", user_id="bob", intros=True)  # takes part in rounds
    cleo = await people.add("Cleo", user_id="cleo", intros=False)
    budget = app.config.attention.budget_per_30_days
    assert budget == 4, "the network default is Donut's level"
    await _spend(app, ana, budget)  # spent
    await _spend(app, bob, budget - 1)  # one left, kept for his next proposal
    await _spend(app, cleo, budget - 1)  # one left, and no rounds: the campaign may use it
    animator = memory.user("animator")
    preview = await compose(animator, en=None)
    assert "4 membres : 0 le recevront maintenant, 2 après les heures calmes, 2 n'ont plus de budget" \
        in preview[0].text, preview[0].text
    await animator.press(animator.find_button("Envoyer", preview))
    await send_now(app)
    assert not any("Portes" in d.text for d in memory.to_user("cleo")), "quiet hours: deferred, not dropped"
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc))  # 9:00 in Paris
    await app.dispatcher.drain()
    reached = [u for u in ("animator", "ana", "bob", "cleo") if any("Portes" in d.text for d in memory.to_user(u))]
    assert reached == ["animator", "cleo"]
    # The campaign spent Cleo's last unit: no other nudge reaches her this month; answers still do.
    async with app.db.session() as session:
        member = await session.get(Member, cleo)
        assert not await notify_member(session, app.config, member, lambda t: Reply("n"), key="late-nudge",
                                       purpose="mm.proposal", now=clock.now(), nudge=True)
        assert await notify_member(session, app.config, member, lambda t: Reply("answer"), key="tx",
                                   purpose="event_change", now=clock.now())


async def test_notifications_mutes_quiet_hours_and_pause_hold_for_every_nudge(app, memory, people, clock):
    ana_id = await people.add("Ana", user_id="ana")
    ana = memory.user("ana")
    settings = await ana.send("/notifications")
    assert "0 message spontané sur 4" in settings[0].text and "de 20:00 à 09:00" in settings[0].text
    await ana.press("Couper : propositions de rencontres")
    assert "✗ propositions de rencontres (coupé)" in ana.text
    assert "21:00 à 08:00" in (await ana.send("/notifications calme 21h-8h"))[0].text
    assert "pas compris" in (await ana.send("/notifications calme plus tard"))[0].text
    async with app.db.session() as session:
        member = await session.get(Member, ana_id)
        assert not await notify_member(session, app.config, member, lambda t: Reply("p"), key="p1",
                                       purpose="mm.proposal", now=clock.now(), nudge=True), "muted kind"
        clock.set(datetime(2026, 11, 25, 19, 30, tzinfo=timezone.utc))  # 20:30 Paris: her evening is not quiet yet
        assert await notify_member(session, app.config, member, lambda t: Reply("d"), key="d1", purpose="digest",
                                   now=clock.now(), nudge=True)
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.key == "d1"))).scalar_one()
        assert row.next_attempt_at == clock.now()
    await ana.send("/notifications")
    await ana.press("Pause de deux semaines")
    assert "En pause jusqu'au" in ana.text
    async with app.db.session() as session:
        member = await session.get(Member, ana_id)
        assert not await notify_member(session, app.config, member, lambda t: Reply("d"), key="d2", purpose="digest",
                                       now=clock.now(), nudge=True), "paused"
        assert await notify_member(session, app.config, member, lambda t: Reply("a"), key="a1", purpose="event_change",
                                   now=clock.now()), "transactional messages are never muted"


async def test_two_writers_at_once_cannot_overspend_the_budget(any_app, clock):
    app = any_app
    people = People(app, clock)
    member_id = await people.add("Ana", user_id="ana")
    budget = app.config.attention.budget_per_30_days
    await _spend(app, member_id, budget - 1)  # one unit left

    async def writer(name: str) -> bool:
        async with app.db.session() as session:
            member = await session.get(Member, member_id)
            written = await notify_member(session, app.config, member, lambda t: Reply(name), key=f"race:{name}",
                                          purpose="campaign", now=clock.now(), nudge=True)
            await asyncio.sleep(0.05)  # hold the transaction open while the other one tries
            return written

    results = await asyncio.gather(writer("a"), writer("b"))
    assert sorted(results) == [False, True]
    async with app.db.session() as session:
        nudges = (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.member_id == member_id, OutboxMessage.nudge.is_(True)))).scalar_one()
    assert nudges == budget


async def test_match_stats_do_not_scale_a_day_up_to_a_month(app, clock):
    from bot.matchmaking.stats import _messages_per_member_month

    people = People(app, clock)
    member_id = await people.add("Ana", user_id="ana")
    async with app.db.session() as session:
        member = await session.get(Member, member_id)
        await notify_member(session, app.config, member, lambda t: Reply("p"), key="mm:1", purpose="mm.proposal",
                            now=clock.now(), nudge=True)
    clock.advance(days=1)
    async with app.db.session() as session:
        since = clock.now() - __import__("datetime").timedelta(days=1)
        assert await _messages_per_member_month(session, since, clock.now()) == 1.0


async def test_the_last_unit_is_kept_only_when_a_round_is_due_within_the_week(app, memory, people, clock):
    from storage.models.matchmaking import MatchSchedule

    anim_id = await people.add("Anim", user_id="animator", intros=False)
    await make_animator(app, anim_id)
    bob = await people.add("Bob", user_id="bob", intros=True)
    await _spend(app, bob, app.config.attention.budget_per_30_days - 1)
    animator = memory.user("animator")
    preview = await compose(animator, en=None)
    assert "1 n'a plus de budget" in preview[0].text or "1 n'ont plus de budget" in preview[0].text, preview[0].text
    await animator.press(animator.find_button("Garder", preview))
    async with app.db.session() as session:  # rounds only on the first of January: none this week
        session.add(MatchSchedule(id=1, cron="0 10 1 1 *", every_weeks=1, updated_at=clock.now()))
    preview = await animator.send("/campagne modifier 1")
    assert "2 membres : 2 le recevront maintenant" in preview[0].text, preview[0].text


async def test_a_member_accepts_fewer_nudges_a_month_than_the_network_allows(app, memory, people, clock):
    ana_id = await people.add("Ana", user_id="ana")
    ana = memory.user("ana")
    await ana.send("/notifications")
    replies = await ana.press("1 par mois")
    assert "sur 1 au plus" in replies[0].text
    assert "✓ 1 par mois" in [b.label for b in replies[0].all_buttons()]
    async with app.db.session() as session:
        member = await session.get(Member, ana_id)
        written = [await notify_member(session, app.config, member, lambda t: Reply("n"), key=f"few:{n}",
                                       purpose="digest", now=clock.now(), nudge=True) for n in range(2)]
    assert written == [True, False]
    assert "plus valable" in (await ana.press(Button("?", "nt.b", "9")))[0].text


async def test_a_non_urgent_transactional_message_waits_for_the_morning_without_spending_budget(app, people, clock):
    member_id = await people.add("Hana", user_id="hana")
    clock.set(datetime(2026, 11, 25, 22, 0, tzinfo=timezone.utc))  # 23:00 in Paris
    async with app.db.session() as session:
        member = await session.get(Member, member_id)
        assert await notify_member(session, app.config, member, lambda t: Reply("feed"), key="f1",
                                   purpose="feed_failure", now=clock.now())
        assert await notify_member(session, app.config, member, lambda t: Reply("answer"), key="c1",
                                   purpose="event_cancelled", now=clock.now())
        rows = dict((await session.execute(select(OutboxMessage.key, OutboxMessage.next_attempt_at))).all())
    assert rows["f1"] == datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc), "the feed notice waits for 9:00"
    assert rows["c1"] == clock.now(), "a cancellation goes at once"


async def test_an_empty_quiet_window_reads_as_no_quiet_hours(app, memory, people):
    """The demo has quiet hours 00:00-00:00 (none): /notifications said "de 00:00 à 00:00", a day-long silence."""
    await people.add("Ana", user_id="ana")
    ana = memory.user("ana")
    await ana.send("/notifications calme 00:00-00:00")
    settings = await ana.send("/notifications")
    assert "Heures calmes : aucune" in settings[0].text and "de 00:00 à 00:00" not in settings[0].text
