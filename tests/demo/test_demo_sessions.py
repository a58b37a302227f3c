"""`maillage demo` played as a newcomer would: each member's messages wait for that member's
session (so a double opt-in can be played to the end), a session says who you are and what is
waiting, `--lang en` is an English demo, `--as` is exact or offers a choice, /mydata says where the
file went, and the other commands work on the demo's data with `maillage --demo`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.cli.console import _choose
from bot.demo.persona import Candidate
from bot.i18n import Translator

TIMEOUT = 180  # generous: a loaded two-core machine


def demo(tmp_path, *args, stdin=""):
    """One `maillage demo` session in `tmp_path` (its .maillage/demo.sqlite persists between calls)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", *args], cwd=tmp_path, input=stdin,
                            capture_output=True, text=True, timeout=TIMEOUT, env=environment)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_an_introduction_is_played_member_by_member(tmp_path):
    asked = demo(tmp_path, "--fresh", stdin="/chercher impression 3d\npress 1\nJe monte un atelier maker.\n")
    assert asked.returncode == 0
    assert asked.stdout.startswith("Tu es Camille Martin · ton lieu : Le Hangar · animation du réseau.\n"
                                   "Aucun message ne t'attend.\n")
    assert "C'est envoyé à Léa Bernard" in asked.stdout
    assert "Camille Martin (Le Hangar) aimerait te rencontrer" not in asked.stdout, "Léa's message is hers"
    assert asked.stdout.endswith('· un message attend Léa Bernard dans sa session : maillage demo --as "Léa Bernard"\n')

    lea = demo(tmp_path, "--as", "Léa Bernard", stdin="press 1\n")
    assert lea.stdout.startswith("Tu es Léa Bernard · ton lieu : La Fabrique · hôte : La Fabrique.\n"
                                 "1 message t'attend :\n[message]\n< Camille Martin (Le Hangar) aimerait te rencontrer")
    assert "« Je monte un atelier maker. »" in lea.stdout
    assert "Voici comment joindre Camille Martin" in lea.stdout.split("> press 1", 1)[1]

    camille = demo(tmp_path, stdin="/aide\n")
    assert "1 message t'attend :\n[message]\n< Léa Bernard a accepté ta demande." in camille.stdout
    again = demo(tmp_path, "--as", "Léa Bernard", stdin="")
    assert "Aucun message ne t'attend." in again.stdout, "a message is delivered once"


def test_lang_en_is_an_english_demo_for_every_seeded_member(tmp_path):
    asked = demo(tmp_path, "--lang", "en", "--fresh", stdin="/find 3d printing\npress 1\nI run a maker workshop.\n")
    assert asked.stdout.startswith("You are Camille Martin · your venue: Le Hangar · network animator.\n")
    assert "Sent to Léa Bernard" in asked.stdout or "sent to Léa Bernard" in asked.stdout, asked.stdout
    lea = demo(tmp_path, "--as", "Léa Bernard", stdin="/help\n")  # seeded in English: no --lang needed
    assert "1 message is waiting for you:" in lea.stdout
    assert "Camille Martin (Le Hangar) would like to be introduced to you" in lea.stdout and "— what I can do" in lea.stdout


def test_as_name_lang_en_switches_a_french_member_to_english(tmp_path):
    demo(tmp_path, "--fresh", stdin="")
    hugo = demo(tmp_path, "--as", "hugo dubois", "--lang", "en", stdin="/help\npress 9\n")
    assert hugo.stdout.startswith("You are Hugo Dubois")
    assert "< Maillage Loire-Atlantique — what I can do" in hugo.stdout
    assert "< (no button 9 here)" in hugo.stdout
    french = demo(tmp_path, "--as", "Hugo Dubois", "--lang", "fr", stdin="press 9\n")
    assert "< (pas de bouton 9 ici)" in french.stdout


def test_as_is_an_exact_name_or_a_choice_never_a_silent_guess(tmp_path):
    demo(tmp_path, "--fresh", stdin="")
    close = demo(tmp_path, "--as", "Sara", stdin="/aide\n")
    assert close.returncode == 2 and close.stdout == ""
    assert "Personne ne s'appelle « Sara »." in close.stderr and "  Sarah Roux\n" in close.stderr
    assert '--as "Sarah Roux"' in close.stderr and "--new" in close.stderr
    sarah = demo(tmp_path, "--as", "SARAH ROUX", stdin="")
    assert sarah.stdout.startswith("Tu es Sarah Roux ·")
    newcomer = demo(tmp_path, "--as", "Sara", "--new", stdin="")
    assert newcomer.stdout.startswith("Tu es Sara, pas encore membre du réseau")
    taken = demo(tmp_path, "--as", "Sarah Roux", "--new", stdin="")
    assert taken.returncode == 2 and "Un membre s'appelle déjà « Sarah Roux »" in taken.stderr
    nobody = demo(tmp_path, "--as", "Zébulon Quartz", stdin="")
    assert nobody.stdout.startswith("Tu es Zébulon Quartz, pas encore membre du réseau")


def test_the_interactive_choice_lists_close_names_and_a_newcomer(monkeypatch, capsys):
    answers = iter(["9", "abc", "2"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    close = [Candidate(1, "Sarah Roux"), Candidate(2, "Sacha Perrin")]
    chosen = _choose(Translator("fr"), "Sa", close, script=False)
    assert chosen == Candidate(2, "Sacha Perrin")
    shown = capsys.readouterr().out
    assert "  [1] Sarah Roux\n  [2] Sacha Perrin\n  [3] une nouvelle personne nommée « Sa »" in shown
    assert shown.count("Tape un numéro entre 1 et 3.") == 2
    answers = iter(["3"])
    assert _choose(Translator("en"), "Sa", close, script=False) is None  # the newcomer


def test_mydata_says_where_the_file_was_written(tmp_path):
    result = demo(tmp_path, "--fresh", "--files", "exports", stdin="/mesdonnees\n")
    path = tmp_path / "exports" / "mydata.json"
    assert f"[fichier enregistré : {path.resolve()}, " in result.stdout
    assert json.loads(path.read_text(encoding="utf-8"))  # a real export, not a placeholder


def test_other_commands_work_on_the_demo_data_with_the_demo_flag(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}

    def maillage(*args):
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, capture_output=True, text=True,
                              timeout=TIMEOUT, env=environment)

    missing = maillage("--demo", "events", "list")
    assert missing.returncode == 2 and "run `maillage demo` in this folder first" in missing.stderr
    demo(tmp_path, stdin="")
    listed = maillage("--demo", "events", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Repair café" in listed.stdout and "Fresque du climat" in listed.stdout


@pytest.mark.parametrize("lang, skip", [("fr", "Passer"), ("en", "Skip")])
def test_a_flow_under_way_is_shown_again_with_its_buttons_after_a_restart(tmp_path, lang, skip):
    started = demo(tmp_path, "--fresh", "--as", "Nouvelle Personne", "--lang", lang, stdin="/start\npress 1\n")
    assert "1/4" in started.stdout
    resumed = demo(tmp_path, "--as", "Nouvelle Personne", stdin="press 1\n")
    before, after = resumed.stdout.split("> press 1\n", 1)
    assert "1/4" in before and f"[1] {skip}" in before, "the question comes back with its buttons"
    assert after.startswith("< 2/4"), after


def test_a_scripted_preview_shows_the_answer_that_comes_later_and_quit_ends(tmp_path):
    """Piped into the demo, '/appariement apercu' showed only "Je prépare l'aperçu…": the preview came
    after the script had moved on (and `quit` was answered "Je ne comprends que les commandes")."""
    out = demo(tmp_path, "--fresh", stdin="/appariement apercu\nquit\n/lieux\n").stdout
    assert "Je prépare l'aperçu" in out and "Aperçu du tour" in out
    assert "Je ne comprends que les commandes" not in out and "> /lieux" not in out


def test_a_proposal_left_unanswered_is_shown_again_with_its_buttons_in_the_next_session(tmp_path):
    """A terminal has no chat history: Camille asked for an introduction, quit, and could never answer."""
    first = demo(tmp_path, "--fresh", stdin="/rencontres on\n/rencontres maintenant\n").stdout
    assert "Présente-nous" in first or "Introduce us" in first, first[-1500:]
    again = demo(tmp_path, stdin="press 1\n").stdout
    assert "le dernier message avec des boutons" in again
    assert "plus valable" not in again and "pas de bouton" not in again, again[-1500:]


def test_the_follow_up_after_a_meeting_can_be_played_and_an_answered_question_is_not_asked_again(tmp_path):
    # The demo seeds Lucas and Manon as introduced a week ago: the real follow-up job asked them.
    lucas = demo(tmp_path, "--fresh", "--as", "Lucas Laurent",
                stdin="press 1\npress 1\npress 3\nTrès bon échange sur la modélisation 3D.\n").stdout
    assert "1 message t'attend :\n[message]\n< Je vous ai présenté·es récemment, Manon Lefebvre et toi." in lucas
    assert "tu la reverrais ?" in lucas and "Merci : ton mot est pour les animateurs seulement." in lucas
    camille = demo(tmp_path, stdin="/appariement stats\n").stdout
    # Lucas's answers join those of the seeded past (three introductions met this quarter, both sides).
    assert "7 disent s'être vu·es, 100 % se reverraient (7 réponses), 1 mot" in camille, camille
    again = demo(tmp_path, "--as", "Lucas Laurent", stdin="").stdout
    assert "Vous avez pu vous voir ?" not in again and "le dernier message avec des boutons" not in again
    manon = demo(tmp_path, "--as", "Manon Lefebvre", stdin="").stdout
    assert "Lucas Laurent et toi. Vous avez pu vous voir ?" in manon
    assert "modélisation 3D" not in manon, "a note is never shown to the partner"


@pytest.mark.parametrize("lang, four, profile, turn_on", [("fr", "quatre petites questions", "/profil", "Activer les rencontres"),
                                                          ("en", "four short questions", "/profile", "Turn introductions on")])
def test_onboarding_asks_as_many_questions_as_it_announces_and_one_answered_elsewhere_is_not_asked_again(
        tmp_path, lang, four, profile, turn_on):
    """The welcome said "three short steps" and a fourth question came; that last question, answered in
    /profile instead, came back at the start of every later session."""
    joined = demo(tmp_path, "--fresh", "--as", "Nouvelle", "--new", "--lang", lang,
                  stdin="/start\npress 3\npress 1\npress 1\npress 2\n").stdout
    assert four in joined
    assert [n for n in ("1/4 —", "2/4 —", "3/4 —", "4/4 —") if n in joined] == ["1/4 —", "2/4 —", "3/4 —", "4/4 —"]
    shown = demo(tmp_path, "--as", "Nouvelle", stdin=f"{profile}\n").stdout
    assert "4/4 —" in shown.split(f"> {profile}", 1)[0], "the question left open comes back once"
    button = next(line for line in shown.splitlines() if line.endswith(f"] {turn_on}"))
    demo(tmp_path, "--as", "Nouvelle", stdin=f"{profile}\npress {button.split('[')[1].split(']')[0]}\n")
    later = demo(tmp_path, "--as", "Nouvelle", stdin="").stdout
    assert "4/4 —" not in later, later


def test_the_funders_report_of_the_demo_has_a_past_to_show(tmp_path):
    """/rapport covers the last whole quarter: with every member and event seeded "now", it showed an
    empty network (fewer than 5 members, 0 events)."""
    out = demo(tmp_path, "--fresh", stdin="/rapport\n").stdout
    report = out.split("> /rapport\n", 1)[1]
    assert "moins de 5 membres" not in report, report

    def figure(label: str) -> int:
        line = next(line for line in report.splitlines() if line.startswith(f"< • {label} : "))
        return int(line.split(" : ", 1)[1].split()[0])

    assert figure("Membres") >= 30 and figure("Nouveaux membres") >= 5
    assert figure("Événements") >= 4 and figure("Inscriptions") >= 20
    assert figure("Mises en relation acceptées") >= 2
    assert "(+" in next(line for line in report.splitlines() if "• Membres :" in line), "compared with the quarter before"
