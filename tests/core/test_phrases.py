"""Lists said in a sentence end with "et" / "and" (or "ou" / "or" for a choice), in each language:
the reasons of an introduction read « A » et « B », not « A », « B »."""

from __future__ import annotations

from bot.i18n import Translator
from bot.matchmaking.render import Names
from bot.phrases import spoken_list


def test_the_last_two_are_joined_by_the_conjunction_of_the_language():
    fr, en = Translator("fr"), Translator("en")
    assert spoken_list([], fr) == "" and spoken_list(["« A »"], fr) == "« A »"
    assert spoken_list(["« A »", "« B »"], fr) == "« A » et « B »"
    assert spoken_list(["« A »", "« B »", "« C »"], fr) == "« A », « B » et « C »"
    assert spoken_list(['"A"', '"B"', '"C"'], en) == '"A", "B" and "C"'
    assert spoken_list(["/aide", "/agenda"], fr, choice=True) == "/aide ou /agenda"
    assert spoken_list(["/help", "/agenda"], en, choice=True) == "/help or /agenda"


def test_the_skills_an_introduction_names_are_said_as_a_sentence():
    names = Names(skills={1: ("Comptabilité", "Accounting"), 2: ("Anglais", "English")})
    assert names.skill_list([1, 2], Translator("fr")) == "« Comptabilité » et « Anglais »"
    assert names.skill_list([1, 2], Translator("en")) == '"Accounting" and "English"'
