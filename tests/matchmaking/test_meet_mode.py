"""In person or by video: a member's choice in /introductions (buttons, typed words in both languages,
typos), shown in /mydata, and never an in-person-only member with a video-only one."""

from __future__ import annotations

import random

import pytest

from bot.matchmaking.candidates import separate_meet_modes
from bot.matchmaking.engine import Candidate, History, plan_round
from bot.matchmaking.run import prepare, run_round
from bot.types import Button
from storage.models.matchmaking import IntroPreferences


def button(replies, label):
    return next(b for r in replies for b in r.all_buttons() if b.label == label)


async def mode_of(app, member_id):
    async with app.db.session() as session:
        prefs = await session.get(IntroPreferences, member_id)
        return prefs.meet_mode if prefs else None


async def test_a_member_chooses_video_by_button_and_sees_it_in_the_panel_and_mydata(app, net):
    ana = await net.member("Ana", "fabrique")
    panel = await ana.user.send("/rencontres")
    assert "Rencontre : en personne ou en visio" in panel[0].text  # the default
    menu = await ana.user.press(button(panel, "Rencontre…"))
    assert [b.label for b in menu[0].all_buttons()] == ["En personne ou en visio", "En personne", "En visio", "Retour"]
    assert "Actuellement : en personne ou en visio" in menu[0].text
    saved = await ana.user.press(button(menu, "En visio"))
    assert saved[0].text.startswith("C'est enregistré.") and "Rencontre : en visio" in saved[0].text
    assert await mode_of(app, ana.id) == "video"
    export = (await ana.user.send("/mesdonnees"))[0].attachment
    assert '"meet_mode": "video"' in export.content.decode()
    forged = await ana.user.press(Button("x", "mm.set", "m:teleport"))
    assert "teleport" not in forged[0].text and await mode_of(app, ana.id) == "video"


async def test_typed_words_in_french_with_typos_understood(app, net):
    ana = await net.member("Ana", "fabrique")
    said = (await ana.user.send("/rencontres en personne"))[0].text
    assert said.startswith("C'est enregistré.") and "Rencontre : en personne" in said
    assert await mode_of(app, ana.id) == "in_person"
    await ana.user.send("/rencontres visio")
    assert await mode_of(app, ana.id) == "video"
    await ana.user.send("/rencontres peu importe")
    assert await mode_of(app, ana.id) == "either"
    guessed = (await ana.user.send("/rencontres en persone"))[0].text
    assert guessed.startswith("(J'ai compris « en personne ».)") and await mode_of(app, ana.id) == "in_person"
    guessed = (await ana.user.send("/rencontres visoi"))[0].text
    assert guessed.startswith("(J'ai compris « visio ».)") and await mode_of(app, ana.id) == "video"
    await ana.user.send("/rencontres présentiel")
    assert await mode_of(app, ana.id) == "in_person"
    unknown = (await ana.user.send("/rencontres téléportation"))[0].text
    assert "Je ne connais pas « téléportation »" in unknown and await mode_of(app, ana.id) == "in_person"


async def test_typed_words_in_english(app, net):
    hugo = await net.member("Hugo", "hangar", locale="en")
    said = (await hugo.user.send("/introductions video"))[0].text
    assert "Meeting: by video" in said and await mode_of(app, hugo.id) == "video"
    await hugo.user.send("/introductions in person")
    assert await mode_of(app, hugo.id) == "in_person"
    await hugo.user.send("/introductions In-Person")
    assert await mode_of(app, hugo.id) == "in_person"
    await hugo.user.send("/introductions either")
    assert await mode_of(app, hugo.id) == "either"
    guessed = (await hugo.user.send("/introductions in persn"))[0].text
    assert guessed.startswith('(I understood "in person".)')
    assert await mode_of(app, hugo.id) == "in_person"


async def test_in_person_only_and_video_only_are_never_paired(app, net, clock):
    # Ana and Hugo help each other both ways: the best pair of the round, were it not for the modes.
    ana = await net.member("Ana", "fabrique", needs="3d-printing", offers="accounting")
    hugo = await net.member("Hugo", "hangar", needs="accounting", offers="3d-printing")
    zoe = await net.member("Zoé", "moulin", offers="3d-printing")
    await ana.user.send("/rencontres en personne")
    await hugo.user.send("/rencontres visio")
    async with app.db.session() as session:
        prepared = await prepare(session, app.config, clock.now())
    assert [set(i.members) for i in prepared.plan.introductions] == [{ana.id, zoe.id}]
    await hugo.user.send("/rencontres peu importe")  # now they may meet: by video
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.introductions == 1
    assert {tuple(sorted(i.members)) for i in outcome.prepared.plan.introductions} == {tuple(sorted((ana.id, hugo.id)))}


def test_the_exclusion_holds_in_a_large_random_round_and_costs_nothing_without_a_conflict():
    rng = random.Random(7)
    modes = {}
    candidates = []
    for i in range(600):
        modes[i] = rng.choice(["either", "in_person", "video"])
        candidates.append(Candidate(member_id=i, venue_id=rng.randrange(20), offers=frozenset(rng.sample(range(30), 3)),
                                    needs=frozenset(rng.sample(range(30), 2)), interests=frozenset(rng.sample(range(30), 2)),
                                    languages=frozenset(rng.choice([{"fr"}, {"fr", "en"}, {"en"}]))))
    separated = separate_meet_modes(candidates, modes)
    plan = plan_round(separated, History(), seed="meet")
    assert plan.stats.coverage > 0.8  # the round still pairs nearly everyone
    pairs = [pair for intro in plan.introductions for pair in intro.pairs()]
    assert pairs and not any({modes[a], modes[b]} == {"in_person", "video"} for a, b in pairs)
    assert any({modes[a], modes[b]} == {"either", "video"} for a, b in pairs)  # "either" meets both sides
    unseparated = plan_round(candidates, History(), seed="meet")
    assert any({modes[a], modes[b]} == {"in_person", "video"}  # what the separation prevents
               for intro in unseparated.introductions for a, b in intro.pairs())
    by_id = {c.member_id: c for c in candidates}
    assert all(by_id[a].languages & by_id[b].languages for a, b in pairs)  # a real shared language, always
    # Nobody on one side: the candidates are left exactly as they were.
    assert separate_meet_modes(candidates, {i: "video" if i % 2 else "either" for i in modes}) is candidates


async def test_the_usual_french_ways_of_saying_video_or_in_person_are_understood_exactly(app, net):
    ana = await net.member("Ana", "fabrique")
    for typed, mode in (("en vidéo", "video"), ("en présentiel", "in_person"), ("par visio", "video"),
                        ("En personne", "in_person"), ("par vidéo", "video"), ("en vrai", "in_person"),
                        ("visioconférence", "video"), ("en ligne", "video"), ("sur place", "in_person"),
                        ("face à face", "in_person"), ("en visioconférence", "video")):
        said = (await ana.user.send(f"/rencontres {typed}"))[0].text
        assert said.startswith("C'est enregistré."), (typed, said)  # understood, not guessed
        assert await mode_of(app, ana.id) == mode, typed


async def test_the_usual_english_ways_are_understood_exactly(app, net):
    hugo = await net.member("Hugo", "hangar", locale="en")
    for typed, mode in (("online", "video"), ("face to face", "in_person"), ("Face-to-face", "in_person"),
                        ("video call", "video"), ("remote", "video"), ("either way", "either")):
        said = (await hugo.user.send(f"/introductions {typed}"))[0].text
        assert said.startswith("Saved."), (typed, said)  # understood, not guessed
        assert await mode_of(app, hugo.id) == mode, typed


async def test_an_unknown_phrase_is_quoted_whole_with_the_way_to_say_video(app, net):
    ana = await net.member("Ana", "fabrique")
    unknown = (await ana.user.send("/rencontres   en   hologramme"))[0].text
    assert "Je ne connais pas « en hologramme »" in unknown and "/rencontres en visio" in unknown
    hugo = await net.member("Hugo", "hangar", locale="en")
    unknown = (await hugo.user.send("/introductions by hologram"))[0].text
    assert 'I don\'t know "by hologram"' in unknown and "/introductions by video" in unknown


def test_distance_counts_only_for_pairs_who_may_meet_in_person():
    from bot.matchmaking.candidates import mark_video_only
    from bot.matchmaking.engine import Weights, scoring
    from bot.matchmaking.engine.graph import build_graph

    w = Weights()
    near = (47.2184, -1.5536), (47.2800, -1.5200)  # Nantes and a venue about 7 km north: a real bonus
    def pair(modes):
        people = [Candidate(member_id=1, venue_id=10, coordinates=near[0], needs=frozenset({5})),
                  Candidate(member_id=2, venue_id=20, coordinates=near[1], offers=frozenset({5}))]
        return mark_video_only(people, dict(zip((1, 2), modes)))
    in_person, _ = scoring.explain(*pair(("either", "in_person")), History(), w)
    by_video, reasons = scoring.explain(*pair(("either", "video")), History(), w)
    closeness = 1 - scoring.distance_km(*near) / w.distance_scale_km
    assert closeness > 0.5 and in_person - by_video == pytest.approx(w.distance * closeness)
    assert next(r for r in reasons if r.code == "cross_venue").params["distance_km"] is None
    # The vectorised graph scores exactly as the explanation does, for both kinds of pair.
    for modes, expected in ((("either", "in_person"), in_person), (("video", "video"), by_video)):
        graph = build_graph(pair(modes), History(), w, top_k=None)
        assert graph.fresh_score.tolist() == pytest.approx([expected])
