"""Scoring terms and hard rules of a pair, and that the vectorized graph agrees with `explain`."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bot.matchmaking.engine import History, VenuePreference, Weights
from bot.matchmaking.engine.graph import build_graph
from bot.matchmaking.engine.scoring import allowed, distance_km, explain, viable

from .people import person, random_people

W = Weights()


def codes(reasons):
    return [r.code for r in reasons]


def test_need_offer_is_the_strongest_term_and_counts_each_direction():
    one_way, _ = explain(person(1, 1, needs={5}), person(2, 2, offers={5}), History(), W)
    both_ways, reasons = explain(person(1, 1, needs={5}, offers={6}), person(2, 2, offers={5}, needs={6}),
                                 History(), W)
    interest, _ = explain(person(1, 1, interests={7}), person(2, 2, interests={7}), History(), W)
    assert both_ways - one_way == pytest.approx(W.need_offer)
    assert one_way > interest
    assert codes(reasons) == ["need_offer", "need_offer", "cross_venue"]
    assert reasons[0].params == {"needer": 1, "offerer": 2, "skills": [5]}
    assert reasons[1].params == {"needer": 2, "offerer": 1, "skills": [6]}


def test_extra_skills_add_a_little_up_to_the_cap():
    def score(k):
        return explain(person(1, 1, needs=set(range(k))), person(2, 1, offers=set(range(k))), History(), W)[0]
    assert score(2) - score(1) == pytest.approx(W.need_offer_extra_skill)
    assert score(5) == pytest.approx(score(W.max_counted_skills))


def test_shared_interests_and_same_venue_penalty():
    a = person(1, 1, interests={1, 2})
    b = person(2, 1, interests={2, 1, 9})
    score, reasons = explain(a, b, History(), W)
    assert score == pytest.approx(2 * W.shared_interest - W.same_venue_penalty)
    assert codes(reasons) == ["shared_interest", "same_venue"]
    ok = VenuePreference.SAME_VENUE_OK
    relaxed, _ = explain(person(1, 1, interests={1, 2}, pref=ok), person(2, 1, interests={1, 2}, pref=ok),
                         History(), W)
    assert relaxed == pytest.approx(2 * W.shared_interest)


def test_cross_venue_rarity_and_distance():
    toulouse, albi = (43.6045, 1.4440), (43.9289, 2.1464)
    a = person(1, 1, interests={1}, coords=toulouse)
    b = person(2, 2, interests={1}, coords=albi)
    km = distance_km(toulouse, albi)
    assert 60 < km < 70
    fresh, reasons = explain(a, b, History(), W)
    assert fresh == pytest.approx(W.shared_interest + W.cross_venue + W.rare_venue_pair_bonus)  # > 50 km
    assert reasons[-1].params["distance_km"] == pytest.approx(km, abs=0.1)
    worn, _ = explain(a, b, History(venue_pair_counts={(1, 2): 3}), W)
    assert fresh - worn == pytest.approx(W.rare_venue_pair_bonus * (1 - 1 / 4))
    near = person(3, 3, interests={1}, coords=(43.6100, 1.4500))
    close, _ = explain(a, near, History(), W)
    assert W.distance * 0.9 < close - fresh <= W.distance


def test_venue_terms_alone_never_make_a_pair():
    """The product rule behind the skill index: a pair needs a reason beyond geography."""
    close = (43.6, 1.44)
    generous = Weights(cross_venue=5, min_score=1)
    assert explain(person(1, 1, coords=close), person(2, 2, coords=close), History(), generous)[0] > 5
    assert not viable(person(1, 1, coords=close), person(2, 2, coords=close), History(), generous)


def test_hard_rules():
    assert not allowed(person(1, langs={"fr"}), person(2, 2, langs={"en"}))
    assert allowed(person(1, langs={"fr", "en"}), person(2, 2, langs={"en"}))
    assert not allowed(person(1, never={2}), person(2, 2))
    assert not allowed(person(1), person(2, 2, never={1}))
    only = VenuePreference.OTHER_VENUES_ONLY
    assert not allowed(person(1, 1, pref=only), person(2, 1))
    assert not allowed(person(1, 1), person(2, 1, pref=only))
    assert allowed(person(1, 1, pref=only), person(2, 2))
    assert allowed(person(1, None, pref=only), person(2, None))  # no venue is nobody's venue


def test_repeat_reason_inside_the_window_only():
    a, b = person(1, 1, interests={1}), person(2, 2, interests={1})
    assert "repeat" in codes(explain(a, b, History(round_index=10, introduced={(1, 2): 5}), W)[1])
    assert "repeat" not in codes(explain(a, b, History(round_index=40, introduced={(1, 2): 5}), W)[1])


def test_weights_are_validated():
    with pytest.raises(ValueError):
        Weights(need_offer=-1)
    with pytest.raises(ValueError):
        Weights(top_k=0)


def test_graph_scores_equal_explain_and_cover_every_viable_pair():
    people = random_people(120, seed=3, never_rate=0.1)
    history = History(round_index=3, introduced={(1, 2): 2, (3, 4): 1}, venue_pair_counts={(1, 2): 4, (2, 5): 1})
    graph = build_graph(people, history, W, top_k=None)
    got = {(int(i), int(j)): s for (i, j), s in zip(graph.fresh, graph.fresh_score)}
    got |= {(int(i), int(j)): s for (i, j), s in zip(graph.repeat, graph.repeat_score)}
    expected = {
        (i, j): explain(people[i], people[j], history, W)[0]
        for i in range(len(people)) for j in range(i + 1, len(people))
        if viable(people[i], people[j], history, W)
    }
    assert got.keys() == expected.keys()
    assert np.allclose([got[k] for k in expected], list(expected.values()))


def test_top_k_keeps_each_members_best_partners():
    people = random_people(200, seed=4)
    full = build_graph(people, History(), W, top_k=None)
    sparse = build_graph(people, History(), W, top_k=3)
    assert 0 < len(sparse.fresh) < len(full.fresh)
    i = random.Random(0).randrange(200)
    mine = sorted((s for (a, b), s in zip(full.fresh.tolist(), full.fresh_score) if i in (a, b)), reverse=True)
    kept = sorted((s for (a, b), s in zip(sparse.fresh.tolist(), sparse.fresh_score) if i in (a, b)), reverse=True)
    assert kept[: min(3, len(mine))] == pytest.approx(mine[:3])
