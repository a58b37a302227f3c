"""plan_round: hard rules, weak members, priority, repeats over 12 rounds, determinism, edge cases."""

from __future__ import annotations

import pytest

from bot.matchmaking.engine import History, UnmatchedReason, VenuePreference, Weights, pair_key, plan_round
from bot.matchmaking.engine.scoring import allowed, has_link

from .people import person, random_people

ONLY = VenuePreference.OTHER_VENUES_ONLY


def reasons_of(plan):
    return {u.member_id: u.reason for u in plan.unmatched}


def test_empty_round():
    plan = plan_round([], seed="2025-W01")
    assert plan.introductions == () and plan.unmatched == ()
    assert plan.stats.candidates == 0 and plan.stats.coverage == 0.0


def test_one_candidate_is_alone():
    plan = plan_round([person(1, interests={1})], seed="p")
    assert reasons_of(plan) == {1: UnmatchedReason.ALONE}


def test_duplicate_candidates_are_refused():
    with pytest.raises(ValueError):
        plan_round([person(1), person(1)])


def test_a_pair_with_reasons():
    plan = plan_round([person(1, 1, needs={3}), person(2, 2, offers={3}, interests={4}),
                       person(3, 3, interests={4})], seed="p")
    (intro,) = plan.introductions
    assert intro.members == (1, 2)
    assert [r.code for r in intro.reasons] == ["need_offer", "cross_venue"]
    assert reasons_of(plan) == {3: UnmatchedReason.ODD_ONE_OUT}
    assert plan.priority_next() == frozenset({3})
    assert plan.stats.need_offer == 1 and plan.stats.cross_venue == 1 and plan.stats.method == "exact-full"


def test_unmatched_reason_codes():
    plan = plan_round([
        person(1, 1, offers={1}, langs={"fr"}), person(2, 2, needs={1}, langs={"fr"}),
        person(3, 3, needs={1}, langs={"de"}),  # nobody speaks German
        person(4, 1, needs={9}, pref=ONLY), person(5, 1, offers={9}),  # same venue, 4 wants others only
        person(6, 4, interests={7}), person(7, 5, offers={8}),  # no link between them
    ], seed="p")
    reasons = reasons_of(plan)
    assert reasons[3] is UnmatchedReason.NO_COMMON_LANGUAGE
    assert reasons[6] is UnmatchedReason.WEAK_BEST_MATCH
    assert reasons[7] is UnmatchedReason.WEAK_BEST_MATCH
    # 4's only link is ruled out; 4 still has other French speakers, so the reason is weak, not blocked.
    assert reasons[4] is UnmatchedReason.WEAK_BEST_MATCH
    blocked = plan_round([person(1, 1, needs={1}, never={2}), person(2, 2, offers={1})], seed="p")
    assert set(reasons_of(blocked).values()) == {UnmatchedReason.ALL_BLOCKED}


def test_weak_pairs_are_skipped():
    same_venue_one_interest = [person(1, 1, interests={1}), person(2, 1, interests={1})]
    assert plan_round(same_venue_one_interest, seed="p").introductions == ()
    assert len(plan_round(same_venue_one_interest, weights=Weights(min_score=1), seed="p").introductions) == 1


def test_all_in_one_venue():
    people = [person(i, 7, offers={i % 3}, needs={(i + 1) % 3}) for i in range(1, 9)]
    plan = plan_round(people, seed="p")
    assert plan.stats.matched == 8 and plan.stats.cross_venue == 0
    assert all(intro.has("same_venue") for intro in plan.introductions)
    only = [person(i, 7, offers={i % 3}, needs={(i + 1) % 3}, pref=ONLY) for i in range(1, 9)]
    plan = plan_round(only, seed="p")
    assert plan.introductions == ()
    assert set(reasons_of(plan).values()) == {UnmatchedReason.ALL_BLOCKED}


def test_hard_rules_hold_on_a_random_network():
    people = random_people(150, seed=5, never_rate=0.2)
    by_id = {p.member_id: p for p in people}
    plan = plan_round(people, seed="2025-W10")
    assert plan.introductions
    for intro in plan.introductions:
        a, b = (by_id[m] for m in intro.members)
        assert allowed(a, b) and has_link(a, b)
        assert intro.score >= Weights().min_score
    members = [m for intro in plan.introductions for m in intro.members]
    assert len(members) == len(set(members))
    assert set(members) | {u.member_id for u in plan.unmatched} == set(by_id)


def test_priority_member_is_matched_next_round():
    # Three equally good people around one hub: someone must wait, but not twice running.
    people = [person(1, 1, offers={1}), person(2, 2, needs={1}), person(3, 3, needs={1})]
    first = plan_round(people, seed="a")
    (waiting,) = first.priority_next()
    again = [p if p.member_id != waiting else person(waiting, waiting, needs={1}, priority=True) for p in people]
    second = plan_round(again, seed="a")
    assert waiting in second.matched_ids()


def test_determinism_by_seed():
    people = random_people(200, seed=6)
    one = plan_round(people, seed="2025-W11")
    assert plan_round(list(reversed(people)), seed="2025-W11") == one
    ties = [person(i, i, interests={1}) for i in range(1, 11)]
    plans = {repr(plan_round(ties, seed=f"2025-W{w}").introductions) for w in range(10, 20)}
    assert len(plans) > 1  # the seed breaks ties differently from round to round


def test_repeat_only_as_last_resort():
    a, b, c = person(1, 1, needs={1}), person(2, 2, offers={1}), person(3, 3, offers={1})
    history = History(round_index=5, introduced={(1, 2): 4})
    plan = plan_round([a, b, c], history, seed="p")
    assert plan.introductions[0].members == (1, 3) and not plan.introductions[0].repeat
    plan = plan_round([a, b], history, seed="p")  # no alternative: a repeat beats leaving both out
    assert plan.introductions[0].repeat and plan.stats.repeats == 1
    old = History(round_index=40, introduced={(1, 2): 4})
    assert not plan_round([a, b], old, seed="p").introductions[0].repeat


def test_twelve_rounds_without_avoidable_repeat():
    people = random_people(60, seed=8)
    venue_of = {p.member_id: p.venue_id for p in people}
    history = History()
    seen: set[tuple[int, int]] = set()
    for week in range(12):
        plan = plan_round(people, history, seed=f"2025-W{week:02d}")
        unmatched = {u.member_id for u in plan.unmatched}
        for intro in plan.introductions:
            key = pair_key(*intro.members)
            if key in seen:
                # A repeat is only allowed when neither had a fresh viable partner left over.
                assert intro.repeat
                for m in intro.members:
                    assert not any(pair_key(m, u) not in seen and _viable(people, m, u) for u in unmatched)
            seen.add(key)
        history = history.after(plan, venue_of)
    assert len(seen) >= 12 * 15


def _viable(people, a: int, b: int) -> bool:
    from bot.matchmaking.engine.scoring import viable

    by_id = {p.member_id: p for p in people}
    return viable(by_id[a], by_id[b], History(), Weights())


def test_odd_one_out_joins_a_triple():
    people = [person(1, 1, needs={1}), person(2, 2, offers={1}, interests={5}), person(3, 3, interests={5})]
    plan = plan_round(people, seed="p", allow_triples=True)
    (intro,) = plan.introductions
    assert intro.members == (1, 2, 3) and plan.unmatched == ()
    assert plan.stats.triples == 1 and plan.stats.matched == 3


def test_triples_need_a_language_shared_by_all_three():
    people = [person(1, 1, needs={1}, langs={"fr", "en"}), person(2, 2, offers={1}, interests={5}, langs={"fr"}),
              person(3, 3, interests={5}, langs={"en"})]
    plan = plan_round(people, seed="p", allow_triples=True)
    assert all(len(i.members) == 2 for i in plan.introductions)


def test_large_rounds_use_the_scalable_methods():
    people = random_people(160, seed=9)
    exact = plan_round(people, seed="x")
    sparse = plan_round(people, weights=Weights(full_graph_max_candidates=50), seed="x")
    local = plan_round(people, weights=Weights(full_graph_max_candidates=50, exact_max_candidates=50), seed="x")
    assert (exact.stats.method, sparse.stats.method, local.stats.method) == ("exact-full", "exact-sparse", "relaxed-sparse")
    assert local.stats.total_score >= 0.97 * exact.stats.total_score
    assert sparse.stats.total_score >= 0.97 * exact.stats.total_score


def test_fresh_partners_cover_everyone_before_a_heavier_pair():
    # Ana and Bob help each other both ways (a heavy pair); Cleo only fits Ana, Dan only fits Bob.
    # The heaviest matching (Ana-Bob) leaves two people out; covering all four must win (issue 17).
    ana = person(1, 1, offers={1}, needs={2}, interests={10})
    bob = person(2, 2, offers={2}, needs={1}, interests={11})
    cleo = person(3, 3, interests={10})
    dan = person(4, 4, interests={11})
    plan = plan_round([ana, bob, cleo, dan], seed="2026-W10")
    assert sorted(i.members for i in plan.introductions) == [(1, 3), (2, 4)]
    assert plan.unmatched == ()


def test_left_out_last_round_is_covered_whatever_the_scores():
    # Ana and Bob are a near-perfect pair (needs and offers both ways, three shared interests); Cleo
    # only shares one interest with Ana. Left out last round, Cleo must get Ana this time.
    ana = dict(offers={1, 5, 6}, needs={2, 3, 4}, interests={7, 8, 9})
    bob = dict(offers={2, 3, 4}, needs={1, 5, 6}, interests={7, 8, 9})
    first = plan_round([person(1, 1, **ana), person(2, 2, **bob), person(3, 3, interests={7})], seed="2026-W11")
    assert [u.member_id for u in first.unmatched] == [3]
    second = plan_round([person(1, 1, **ana), person(2, 2, **bob), person(3, 3, interests={7}, priority=True)],
                        seed="2026-W12")
    assert 3 in second.matched_ids() and len(second.introductions) == 1
