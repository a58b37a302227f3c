"""The sparse candidate graph: bounded work per member however popular a skill is, exact scores,
recent partners always looked at, and the same edges as the exhaustive graph in small rounds."""

from __future__ import annotations

import numpy as np

from bot.matchmaking.engine import History, Weights, pair_key
from bot.matchmaking.engine import graph as graph_module
from bot.matchmaking.engine.graph import build_graph
from bot.matchmaking.engine.round import order_candidates
from bot.matchmaking.engine.scoring import allowed, explain, has_link

from tests.matching.people import person, random_people


def test_a_popular_skill_is_sampled_not_scanned(monkeypatch):
    monkeypatch.setattr(graph_module, "SAMPLE_PER_SKILL", 8)
    # 400 members all offering skill 1 and needing it: everyone is linked to everyone.
    people = [person(i, venue=i % 20 + 1, offers={1}, needs={1}) for i in range(1, 401)]
    cands = order_candidates(people, "2026-W01")
    graph = build_graph(cands, History(), Weights(), top_k=4)
    degree = np.bincount(graph.fresh.ravel(), minlength=len(cands))
    # Each member probes 2 lists x 8 and keeps 4; it may also be kept by the others who probed it.
    assert degree.max() < 60
    assert degree.min() >= 4
    assert not graph.exhaustive


def test_scores_of_sampled_pairs_are_exact():
    people = random_people(300, seed=3, skills=8)
    cands = order_candidates(people, "2026-W02")
    w = Weights()
    graph = build_graph(cands, History(), w, top_k=6)
    assert len(graph.fresh) > 100
    for (i, j), score in zip(graph.fresh[:200].tolist(), graph.fresh_score[:200].tolist()):
        a, b = cands[i], cands[j]
        assert allowed(a, b) and has_link(a, b)
        assert abs(explain(a, b, History(), w)[0] - score) < 1e-9


def test_recent_partners_are_always_looked_at(monkeypatch):
    monkeypatch.setattr(graph_module, "SAMPLE_PER_SKILL", 2)
    people = [person(i, venue=i % 10 + 1, interests={1, 2}) for i in range(1, 201)]
    history = History(round_index=5, introduced={pair_key(1, 2): 4, pair_key(3, 4): 3})
    cands = order_candidates(people, "2026-W03")
    pos = {c.member_id: k for k, c in enumerate(cands)}
    graph = build_graph(cands, history, Weights(), top_k=3)
    repeats = {pair_key(cands[i].member_id, cands[j].member_id) for i, j in graph.repeat.tolist()}
    assert repeats == {(1, 2), (3, 4)}
    fresh = {tuple(sorted((i, j))) for i, j in graph.fresh.tolist()}
    assert tuple(sorted((pos[1], pos[2]))) not in fresh


def test_exhaustive_graph_holds_every_viable_pair():
    people = random_people(120, seed=5)
    cands = order_candidates(people, "2026-W04")
    w = Weights()
    graph = build_graph(cands, History(), w, top_k=None)
    found = {(int(i), int(j)) for i, j in graph.fresh.tolist()}
    expected = {(i, j) for i in range(len(cands)) for j in range(i + 1, len(cands))
                if allowed(cands[i], cands[j]) and has_link(cands[i], cands[j])
                and explain(cands[i], cands[j], History(), w)[0] >= w.min_score}
    assert found == expected and graph.exhaustive
