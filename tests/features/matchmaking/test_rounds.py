"""Rounds: consent, silence, light-touch rules, exactly-once, dry-runs, and faults."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from bot.i18n import Translator
from bot.matchmaking import preview
from bot.matchmaking.run import prepare, run_round
from jobs.matchmaking import catch_up, housekeeping
from storage.models.matchmaking import MatchScheduling
from storage.models import OutboxMessage
from storage.models.matchmaking import Introduction, IntroductionMember, MatchRound


async def count(app, model) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def pair(net, **extra):
    ana = await net.member("Ana", "fabrique", needs="3d-printing", **extra)
    hugo = await net.member("Hugo", "hangar", offers="3d-printing")
    return ana, hugo


async def test_a_decline_reveals_nothing_and_the_other_gets_one_neutral_line(app, net, clock):
    ana, hugo = await pair(net)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])  # yes
    answer = await hugo.user.press(hugo.inbox()[0].reply.all_buttons()[1])  # not this time
    assert "pas cette fois" in answer[0].text.lower()
    await app.dispatcher.drain()
    assert [d.text for d in ana.inbox("Pas de mise en relation")] and len(ana.inbox()) == 2
    assert len(hugo.inbox()) == 1
    assert not any("memory" in d.text.lower() or "@" in d.text for d in ana.inbox() + hugo.inbox())
    late = await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])
    assert "close" in late[0].text


async def test_silence_expires_after_the_answer_window_with_the_same_neutral_line(app, net, clock):
    ana, hugo = await pair(net)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])
    clock.advance(hours=71)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox()) == 1
    clock.advance(hours=2)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox("Pas de mise en relation avec Hugo")) == 1 and len(hugo.inbox()) == 1
    too_late = await hugo.user.press(hugo.inbox()[0].reply.all_buttons()[0])
    assert "close" in too_late[0].text
    async with app.db.session() as session:
        assert (await session.execute(select(Introduction.status))).scalar_one() == "expired"


async def test_a_stranger_pressing_a_forged_button_changes_nothing(app, net, clock):
    ana, hugo = await pair(net)
    eve = await net.member("Eve", "moulin", opt_in=False)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    forged = await eve.user.press(ana.inbox()[0].reply.all_buttons()[0])
    assert "ne te concerne pas" in forged[0].text
    async with app.db.session() as session:
        assert set((await session.execute(select(IntroductionMember.response))).scalars()) == {"pending"}


async def test_quiet_hours_defer_the_proposal_and_the_answer_window(app, net, clock):
    await pair(net)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
    clock.set(saturday)
    await run_round(app.db, app.config, saturday)
    async with app.db.session() as session:
        due = set((await session.execute(select(OutboxMessage.next_attempt_at))).scalars())
        expires = (await session.execute(select(Introduction.expires_at))).scalar_one()
    monday_9 = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # 09:00 in Paris
    assert due == {monday_9}
    assert expires == monday_9 + timedelta(hours=72)
    assert await app.dispatcher.drain() == 0  # nothing goes out on a Saturday


async def test_no_budget_means_no_proposal_and_the_member_is_reported(app, net, clock):
    ana, hugo = await pair(net)
    async with app.db.session() as session:
        for i in range(app.config.attention.budget_per_30_days):
            session.add(OutboxMessage(key=f"x{i}", platform="memory", user_id="me1", member_id=ana.id, purpose="digest",
                                      nudge=True, payload={"text": "x"}, status="sent", created_at=clock.now()))
    async with app.db.session() as session:
        prepared = await prepare(session, app.config, clock.now())
        doc = await preview.document(session, prepared, Translator("en"))
    assert doc["introductions"] == []
    assert {"id": ana.id, "name": "Ana", "reason": "budget"} in doc["unmatched"]
    assert doc["candidates"] == 2


async def test_follow_up_is_dropped_before_a_proposal_when_budget_is_short(app, net, clock):
    ana, hugo = await pair(net)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])
    await hugo.user.press(hugo.inbox()[0].reply.all_buttons()[0])
    clock.advance(days=7, hours=1)
    async with app.db.session() as session:  # Ana has room for one nudge only: her next proposal
        used = app.config.attention.budget_per_30_days - 2
        for i in range(used):
            session.add(OutboxMessage(key=f"x{i}", platform="memory", user_id="me1", member_id=ana.id,
                                      purpose="digest", nudge=True, payload={"text": "x"}, status="sent",
                                      created_at=clock.now()))
    counts = await housekeeping(app, clock.now())
    assert counts["sent"] == 1 and counts["skipped"] == 1
    await app.dispatcher.drain()
    assert not ana.inbox("Hugo et toi") and len(hugo.inbox("Ana et toi")) == 1


async def test_dry_run_json_has_exactly_the_schema_and_the_run_matches_it(app, net, clock):
    people = [await net.member(f"P{i}", venue, offers=o, needs=n, interests="woodworking")
              for i, (venue, o, n) in enumerate([("hangar", "accounting", "3d-printing"),
                                                 ("fabrique", "3d-printing", "accounting"),
                                                 ("moulin", "web-development", "graphic-design"),
                                                 ("universite", "graphic-design", "web-development"),
                                                 ("hangar", "", "")])]
    async with app.db.session() as session:
        prepared = await prepare(session, app.config, clock.now())
        doc = await preview.document(session, prepared, Translator("en"))
    json.dumps(doc)
    assert set(doc) == {"period", "candidates", "introductions", "unmatched", "stats"}
    assert isinstance(doc["period"], str) and doc["period"] == "2026-W47" and doc["candidates"] == 5
    for intro in doc["introductions"]:
        assert set(intro) == {"members", "score", "reasons", "meet"} and isinstance(intro["score"], float)
        assert all(set(m) == {"id", "name", "venue"} and isinstance(m["id"], int) for m in intro["members"])
        assert all(isinstance(r, str) and r for r in intro["reasons"])
    for left in doc["unmatched"]:
        assert set(left) == {"id", "name", "reason"}
    assert any("is looking for" in r for i in doc["introductions"] for r in i["reasons"])
    await run_round(app.db, app.config, clock.now())
    async with app.db.session() as session:
        rows = await session.execute(select(IntroductionMember.introduction_id, IntroductionMember.member_id))
        groups: dict[int, set[int]] = {}
        for intro_id, member_id in rows:
            groups.setdefault(intro_id, set()).add(member_id)
    assert sorted(map(sorted, groups.values())) == sorted(sorted(m["id"] for m in i["members"])
                                                          for i in doc["introductions"])
    assert len(people) == 5


async def test_a_rounds_steps_end_with_debug_lines_in_order(app, net, clock, caplog):
    # bench_match_e2e times the real command's steps from these lines.
    await pair(net)
    with caplog.at_level("DEBUG", logger="bot.matchmaking"):
        async with app.db.session() as session:
            await prepare(session, app.config, clock.now())
    steps = [(r.name, r.getMessage()) for r in caplog.records
             if r.name in ("bot.matchmaking.run", "bot.matchmaking.engine.graph")]
    assert steps == [("bot.matchmaking.run", "round 2026-W47: 2 candidates and their history read"),
                     ("bot.matchmaking.engine.graph", "candidate graph: 2 candidates, 1 fresh and 0 repeat pairs"),
                     ("bot.matchmaking.run", "round 2026-W47: planned"),
                     ("bot.matchmaking.run", "round 2026-W47: meeting places chosen")]


async def test_a_round_is_unique_per_period(app, net, clock):
    await pair(net)
    first = await run_round(app.db, app.config, clock.now())
    second = await run_round(app.db, app.config, clock.now() + timedelta(days=3))
    assert (first.status, second.status) == ("ran", "already")
    assert await count(app, MatchRound) == 1 and await count(app, OutboxMessage) == 2
    async with app.db.session() as session:
        session.add(MatchRound(period=first.prepared.period, run_at=clock.now()))
        with pytest.raises(Exception):
            await session.flush()
        await session.rollback()


async def test_a_crash_half_way_writes_nothing_and_the_round_resumes_whole(app, net, clock):
    for i, venue in enumerate(["hangar", "fabrique", "moulin", "universite"]):
        await net.member(f"M{i}", venue, offers="3d-printing" if i % 2 else "accounting",
                         needs="accounting" if i % 2 else "3d-printing")
    async with app.db.engine.begin() as connection:  # the disk "fills up" at the third proposal
        await connection.execute(text("CREATE TRIGGER boom BEFORE INSERT ON outbox WHEN "
                                      "(SELECT count(*) FROM outbox) >= 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    with pytest.raises(Exception, match="disk full"):
        await run_round(app.db, app.config, clock.now())
    assert (await count(app, MatchRound), await count(app, Introduction), await count(app, OutboxMessage)) == (0, 0, 0)
    async with app.db.engine.begin() as connection:
        await connection.execute(text("DROP TRIGGER boom"))
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.introductions == 2
    assert (await count(app, MatchRound), await count(app, Introduction), await count(app, OutboxMessage)) == (1, 2, 4)


async def test_a_round_missed_while_down_runs_once_at_start(app, net, clock):
    await pair(net)
    async with app.db.session() as session:  # the network has been scheduling since early November
        session.add(MatchScheduling(since=datetime(2026, 11, 1, tzinfo=timezone.utc)))
    assert await catch_up(app, clock.now()) == "ran"  # the bot was down on Monday 16/11
    assert await catch_up(app, clock.now()) == "already"
    assert await count(app, MatchRound) == 1
    clock.set(datetime(2026, 12, 20, 12, tzinfo=timezone.utc))  # long after the 14/12 round? only that one runs
    assert await catch_up(app, clock.now()) == "ran"
    assert await count(app, MatchRound) == 2


async def test_an_unreachable_member_is_never_a_candidate_and_one_lost_mid_round_closes_with_a_kind_note(app, net, clock):
    ana, hugo = await pair(net)
    await net.member("Zoe", "moulin", offers="3d-printing", reachable=False)
    await run_round(app.db, app.config, clock.now())
    async with app.db.session() as session:
        members = set((await session.execute(select(IntroductionMember.member_id))).scalars())
    assert members == {ana.id, hugo.id}
    from bot.ports import Unreachable
    hugo.adapter.fail_for(hugo.user.ref.user_id, Unreachable("blocked"))
    await ana.user.press((await _proposal(app, ana)).reply.all_buttons()[0])
    await app.dispatcher.drain()
    counts = await housekeeping(app, clock.now())
    assert counts["undeliverable"] == 1
    await app.dispatcher.drain()
    assert len(ana.inbox("Je n'ai pas pu joindre Hugo")) == 1  # issue 18.5: a kind note, not the neutral line


async def _proposal(app, person):
    await app.dispatcher.drain()
    return person.inbox()[0]


@pytest.mark.parametrize("case", ["empty", "one", "same_venue"])
async def test_small_and_lopsided_rounds_get_a_clear_outcome(app, net, clock, case):
    if case == "one":
        await net.member("Solo", "hangar", needs="3d-printing")
    if case == "same_venue":
        for i in range(4):
            await net.member(f"S{i}", "hangar", offers="accounting" if i % 2 else "3d-printing",
                             needs="3d-printing" if i % 2 else "accounting")
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.status == "ran"
    async with app.db.session() as session:
        rnd = (await session.execute(select(MatchRound))).scalar_one()
    if case == "empty":
        assert rnd.status == "empty" and rnd.stats["candidates"] == 0
    if case == "one":
        assert rnd.status == "empty" and rnd.stats["unmatched"] == {"alone": 1}
    if case == "same_venue":  # need<->offer inside one venue is still worth it
        assert outcome.introductions == 2 and rnd.stats["cross_venue_share"] == 0.0


async def test_twelve_rounds_on_a_mixed_network_show_no_avoidable_repeat(app, net, clock):
    venues = ["hangar", "fabrique", "moulin", "universite"]
    skills = ["3d-printing", "accounting", "web-development", "graphic-design", "woodworking", "python"]
    for i in range(16):
        await net.member(f"N{i}", venues[i % 4], offers=skills[i % 6], needs=skills[(i + 1) % 6],
                         interests=skills[(i + 3) % 6], cadence="weekly",
                         languages="fr en" if i % 3 else "fr", platform=["memory", "telegram", "discord"][i % 3])
    seen: set[frozenset[int]] = set()
    repeats = 0
    start = datetime(2026, 11, 16, 9, 30, tzinfo=timezone.utc)
    for r in range(12):
        outcome = await run_round(app.db, app.config, start + timedelta(weeks=2 * r))
        assert outcome.status == "ran"
        async with app.db.session() as session:
            rows = await session.execute(select(IntroductionMember.introduction_id, IntroductionMember.member_id)
                                         .join(Introduction).where(Introduction.round_id == outcome.round_id))
            groups: dict[int, set[int]] = {}
            for intro_id, member_id in rows:
                groups.setdefault(intro_id, set()).add(member_id)
        for group in map(frozenset, groups.values()):
            if group in seen:
                repeats += 1
            seen.add(group)
    async with app.db.session() as session:
        flagged_total = (await session.execute(select(func.count()).select_from(Introduction)
                                               .where(Introduction.repeat.is_(True)))).scalar_one()
    # A repeat only ever happens as the engine's flagged last resort: never silently.
    assert repeats == flagged_total
    assert await count(app, MatchRound) == 12


async def test_exactly_once_and_dry_run_equals_run_on_both_databases(any_app, any_net, clock):
    app = any_app
    for i, venue in enumerate(["hangar", "fabrique", "moulin", "universite", "hangar", "moulin"]):
        await any_net.member(f"M{i}", venue, offers="3d-printing" if i % 2 else "accounting",
                             needs="accounting" if i % 2 else "3d-printing", interests="woodworking")
    async with app.db.session() as session:
        planned = (await prepare(session, app.config, clock.now())).plan
    outcomes = [await run_round(app.db, app.config, clock.now()) for _ in range(2)]
    assert [o.status for o in outcomes] == ["ran", "already"]
    async with app.db.session() as session:
        rows = await session.execute(select(IntroductionMember.introduction_id, IntroductionMember.member_id))
        groups: dict[int, set[int]] = {}
        for intro_id, member_id in rows:
            groups.setdefault(intro_id, set()).add(member_id)
    assert sorted(map(sorted, groups.values())) == sorted(sorted(i.members) for i in planned.introductions)
    assert await count(app, OutboxMessage) == 2 * len(planned.introductions) == 6
