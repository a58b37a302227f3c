"""Issue 17's review of the new texts: right for a pair and for a triple, plain English."""

from __future__ import annotations

from bot.i18n import Translator

FR, EN = Translator("fr"), Translator("en")


def test_the_feedback_question_and_its_buttons_speak_of_one_partner_or_two():
    assert FR("matchmaking.feedback.ask", count=1).endswith("tu la reverrais ?")
    assert FR("matchmaking.feedback.ask", count=2).endswith("tu les reverrais ?")
    assert FR("matchmaking.feedback.again_yes", count=2) == "Je les reverrais"
    assert "your partners" in EN("matchmaking.feedback.ask", count=2)
    assert EN("matchmaking.feedback.again_no", count=2) == "Would not meet them again"


def test_cant_make_it_is_said_for_two_or_three_and_in_plain_english():
    for t in (FR, EN):
        noted = t("matchmaking.cant.noted")
        assert "both" not in noted and "Vous serez" not in noted
    assert FR("matchmaking.cant.button") == "Finalement, je ne pourrai pas"
    assert EN("matchmaking.cant.too_late").startswith("This introduction was a while ago:")
    assert EN("matchmaking.one_off.sent", name="Hugo").startswith("Done: I've suggested you and Hugo to each other.")


def test_venue_names_take_french_articles_and_a_shared_home_is_said_once():
    from bot.matchmaking.meeting_place import IN_PERSON, Place
    from bot.matchmaking.render import at_venue, trips_text

    fr, en = Translator("fr"), Translator("en")
    assert at_venue("École de la 2e chance 44", fr) == "à l'École de la 2e chance 44"
    assert at_venue("Le Hangar", fr) == "au Hangar" and at_venue("La Fabrique", fr) == "à La Fabrique"
    assert at_venue("Atelier Partagé", fr) == "à l'Atelier Partagé" and at_venue("Nantes Coworking", fr) == "à Nantes Coworking"
    assert at_venue("École de la 2e chance 44", en) == "at École de la 2e chance 44"

    class Names:
        def member(self, member_id, t):
            return {1: "Ana", 2: "Victor"}[member_id]

    home = Place(IN_PERSON, 7, None, (0.0, 0.2))
    assert trips_text(home, 1, [1, 2], Names(), fr) == "sur place pour tout le monde"
    apart = Place(IN_PERSON, 7, None, (0.0, 12.4))
    assert trips_text(apart, 2, [1, 2], Names(), fr) == "12 km pour toi, sur place pour Ana"
