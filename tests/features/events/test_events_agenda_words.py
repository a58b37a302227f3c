"""/agenda words as people type them: venue names, audience labels in both languages, periods,
"near me"; a word that names nothing is said back; an empty programme says what to do."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.events.chat.agenda_words import understand
from events_helpers import make_event, people  # noqa: F401 (fixture)
from storage.models import Venue

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)  # Wednesday, 10:00 in Paris

VENUES = [Venue(id=1, slug="le-hangar", name="Le Hangar"), Venue(id=2, slug="la-fabrique", name="La Fabrique"),
          Venue(id=3, slug="nantes-universite", name="Nantes Université — Lab'Campus"),
          Venue(id=4, slug="le-moulin", name="Le Moulin"), Venue(id=5, slug="atelier-nord", name="Atelier Nord"),
          Venue(id=6, slug="atelier-sud", name="Atelier Sud")]


def test_words_name_venues_audiences_periods_and_near_in_both_languages():
    assert understand("hangar", VENUES).venue == 1
    assert understand("La Fabrique", VENUES).venue == 2
    assert understand("le-hangar", VENUES).venue == 1
    assert understand("lab'campus", VENUES).venue == 3
    assert understand("hangr", VENUES).venue == 1  # a small typo
    assert understand("étudiants", VENUES).tag == "students"
    assert understand("Étudiant·es", VENUES).tag == "students"
    assert understand("job seekers", VENUES).tag == "job_seekers"
    assert understand("demandeurs d'emploi", VENUES).tag == "job_seekers"
    assert understand("tout public", VENUES).tag == "everyone"
    assert understand("tout", VENUES).period == "a"
    found = understand("cette semaine près de moi", VENUES)
    assert (found.period, found.near, found.unknown) == ("w", True, [])
    found = understand("this month near me families", VENUES)
    assert (found.period, found.near, found.tag, found.unknown) == ("m", True, "families", [])
    assert understand("aujourd'hui", VENUES).period == "d"


def test_words_naming_nothing_or_two_venues_are_reported():
    assert understand("bientot", VENUES).unknown == ["bientot"]
    # "atelier" is in two venues' names: not a guess (the full name still works).
    assert understand("atelier", VENUES).venue is None and understand("atelier", VENUES).unknown == ["atelier"]
    assert understand("atelier sud", VENUES).venue == 6
    assert understand("moulin", VENUES).venue == 4
    found = understand("semaine blabla", VENUES)
    assert found.period == "w" and found.unknown == ["blabla"]


async def test_agenda_reads_names_and_labels_and_names_the_venue_in_the_title(app, people):
    await make_event(app, "Café", NOW + timedelta(hours=3), venues=("hangar",), audience=("everyone",))
    await make_event(app, "Soudure", NOW + timedelta(days=1), venues=("fabrique",), audience=("students",))
    ana = await people.member("1", "Ana")

    hangar = (await ana.send("/programme hangar"))[0]
    assert hangar.title == "Le Hangar : programme (1/1)"
    assert "Café" in hangar.text and "Soudure" not in hangar.text and "pas compris" not in hangar.text
    fabrique = (await ana.send("/programme la fabrique"))[0]
    assert "Soudure" in fabrique.text and "Café" not in fabrique.text
    students = (await ana.send("/programme étudiants"))[0]
    assert "Soudure" in students.text and "Café" not in students.text
    assert students.title == "Programme de Réseau Test (1/1)"

    unknown = (await ana.send("/programme bientôt"))[0]
    assert unknown.text.startswith("Je n'ai pas compris « bientôt » : voici tout le programme.")
    assert "Café" in unknown.text and "Soudure" in unknown.text
    bob = await people.member("2", "Bob", locale="en")
    english = (await bob.send("/agenda soonish"))[0]
    assert english.text.startswith('I didn\'t get "soonish", so here is the whole programme.')
    assert "Soudure" in (await bob.send("/agenda students"))[0].text
    assert (await bob.send("/agenda hangar"))[0].title == "Le Hangar programme (1/1)"


async def test_an_empty_programme_says_what_to_do(app, people):
    ana = await people.member("1", "Ana")
    empty = (await ana.send("/programme"))[0]
    assert "Rien au programme pour l'instant" in empty.text and "/lieux" in empty.text
    filtered = (await ana.send("/programme semaine"))[0]
    assert "Élargis la période" in filtered.text
    bob = await people.member("2", "Bob", locale="en")
    assert "Nothing in the programme yet" in (await bob.send("/agenda"))[0].text
