"""Issue 17: feedback for the animators after "we met" — never shown to the partner, in /mydata,
gone after /forget (the whole database dumped), aggregated in /matchmaking stats and the CLI."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.types import Button
from jobs.matchmaking import housekeeping
from tests.matchmaking.followup_kit import button, introductions, revealed
from tests.features.matchmaking.conftest import Network
from tests.privacy.test_forget_dump import _dump

SECRET = "Kowabunga"
NOTE = f"Très bonne rencontre, on monte un atelier {SECRET} ensemble"


@pytest.fixture
def any_net(any_app) -> Network:
    return Network(any_app)


async def _follow_ups(app, clock):
    clock.advance(days=7, hours=1)
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()


async def _met_with_feedback(app, net, clock):
    ana, hugo, _, _ = await revealed(app, net, clock)
    await _follow_ups(app, clock)
    [follow_up] = ana.inbox("pu vous voir")
    [thanks] = await ana.user.press(button(follow_up, "Oui"))
    assert "animateurs du réseau seulement" in thanks.text
    [again] = await ana.user.press(button(thanks, "Je la reverrais"))
    assert "noté pour les animateurs" in again.text
    [ask] = await ana.user.press(button(thanks, "Un mot pour les animateurs"))
    assert "280" in ask.text
    [too_long] = await ana.user.send("x" * 281)
    assert "280 caractères au plus" in too_long.text
    [noted] = await ana.user.send(NOTE)
    assert "animateurs seulement" in noted.text
    return ana, hugo


async def test_feedback_is_stored_never_shown_to_the_partner_and_aggregated_for_animators(app, net, clock, memory):
    ana, hugo = await _met_with_feedback(app, net, clock)
    [intro] = await introductions(app)
    mine = next(s for s in intro.members if s.member_id == ana.id)
    assert (mine.met, mine.again, mine.note) == ("yes", True, NOTE)
    # Hugo answers "yes" then "would not meet again", no note.
    [follow_up] = hugo.inbox("Did you get to meet")
    [thanks] = await hugo.user.press(button(follow_up, "Yes"))
    await hugo.user.press(button(thanks, "Would not meet again"))
    await app.dispatcher.drain()
    assert not any(SECRET in d.text for d in hugo.inbox())
    # The animators' figures: 2 met, 50 % would meet again, 1 note listed with its writer only.
    boss = memory.user("animator", "Boss", language="en")
    [stats] = await boss.send("/matchmaking stats")
    assert ('After meeting: 2 said they met, 50% would meet again (2 answers), 1 note; 0 "I can\'t make it"; '
            '0 introductions on request.') in stats.text
    [note_line] = [line for line in stats.text.splitlines() if SECRET in line]
    assert note_line.startswith("• ") and "Ana" in note_line and "Hugo" not in note_line
    # A stranger's forged presses note nothing; Hugo's note would go on his own side only.
    eve = await net.member("Eve", "moulin")
    for payload in (f"{intro.id}:note", f"{intro.id}:y"):
        [refused] = await eve.user.press(Button("x", "mm.fb", payload))
        assert "ne te concerne pas" in refused.text
    [intro] = await introductions(app)
    assert [s.note for s in intro.members if s.member_id != ana.id] == [None]


async def test_no_feedback_offer_without_a_meeting(app, net, clock):
    ana, hugo, _, _ = await revealed(app, net, clock)
    await _follow_ups(app, clock)
    [follow_up] = ana.inbox("pu vous voir")
    [thanks] = await ana.user.press(button(follow_up, "Pas encore"))
    assert [b.action for b in thanks.all_buttons()] == ["mm.skip"]  # no feedback offer; the skip row stays
    [intro] = await introductions(app)
    [refused] = await ana.user.press(Button("x", "mm.fb", f"{intro.id}:note"))  # forged: she did not meet
    assert "ne te concerne pas" in refused.text


async def test_mydata_has_my_notes_and_forget_erases_them_everywhere(any_app, any_net, clock):
    ana, hugo = await _met_with_feedback(any_app, any_net, clock)
    [export] = await ana.user.send("/mesdonnees")
    document = json.loads(export.attachment.content) if export.attachment else json.loads(export.text)
    [listed] = document["matchmaking"]["introductions"]
    assert listed["note_for_animators"] == NOTE and listed["would_meet_again"] is True
    assert SECRET in await _dump(any_app)
    await ana.user.send("/oublier")
    [done] = await ana.user.press("Oui")
    assert "effacé" in done.text
    await any_app.dispatcher.drain()
    assert SECRET not in await _dump(any_app)


async def test_forgetting_the_partner_erases_notes_about_them(app, net, clock):
    ana, hugo = await _met_with_feedback(app, net, clock)
    await hugo.user.send("/forget")
    await hugo.user.press("Yes")
    [intro] = await introductions(app)
    assert all(s.note is None for s in intro.members)


def test_cli_stats_json_has_the_feedback(config_file, sqlite_url, capsys):
    assert main(["--config", config_file, "match", "stats", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["feedback"] == {"met": 0, "would_meet_again": 0, "would_meet_again_answers": 0,
                                    "would_meet_again_rate": 0.0, "notes_count": 0, "cant_make_it": 0, "one_offs": 0,
                                    "notes": []}


async def test_a_note_that_would_show_nothing_is_refused_and_the_question_stays_open(app, net, clock):
    ana, hugo, _, _ = await revealed(app, net, clock)
    await _follow_ups(app, clock)
    [follow_up] = ana.inbox("pu vous voir")
    [thanks] = await ana.user.press(button(follow_up, "Oui"))
    await ana.user.press(button(thanks, "Un mot pour les animateurs"))
    [invisible] = await ana.user.send("\u3164\u200b \u2800")  # Hangul filler, zero-width space, braille blank
    assert "280 caractères au plus" in invisible.text
    [noted] = await ana.user.send("Très bien passé")
    assert "animateurs seulement" in noted.text
    [intro] = await introductions(app)
    assert next(s for s in intro.members if s.member_id == ana.id).note == "Très bien passé"
