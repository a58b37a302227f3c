"""Running a round asks first; /introductions forgives typos and says what it understood; previews,
figures and schedules read like sentences (names, dates, plurals, decimal commas); schedules in words;
a schedule firing twice a week is refused."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.config.matchmaking import MatchmakingConfig, cron_problem
from bot.matchmaking.chat.settings import resolve_word
from bot.i18n import Translator
from bot.matchmaking import preview
from bot.matchmaking.schedule_words import parse_schedule
from bot.matchmaking.wording import number, round_name
from bot.types import Button
from tests.testkit import answered_later
from storage.models import Member, OutboxMessage
from storage.models.matchmaking import MatchRound, MatchSchedule


async def _rounds(app) -> list[str]:
    async with app.db.session() as session:
        return list((await session.execute(select(MatchRound.period))).scalars())


async def test_run_asks_first_then_runs_that_period_once(app, net, memory):
    await net.member("Ana", "fabrique", needs="3d-printing")
    await net.member("Hugo", "hangar", offers="3d-printing")
    boss = memory.user("animator", "Boss", language="fr")
    await boss.send("/appariement")
    counting = await boss.press("Lancer le tour")  # answered at once; the headcount follows
    assert counting[0].text.startswith("Je compte les rencontres du tour du 16/11")
    confirm = [await answered_later(app, boss)]
    assert confirm[0].text == "Lancer le tour du 16/11 ? 1 rencontre, 2 messages envoyés maintenant."
    yes = confirm[0].all_buttons()[0]
    assert await _rounds(app) == []  # nothing sent before the yes
    assert "rien n'est envoyé" in (await boss.press(boss.find_button("Non", confirm)))[0].text
    assert await _rounds(app) == []

    stranger = await net.member("Zed", "moulin")
    forged = await stranger.user.press(yes)  # a copied payload does not run anything
    assert "anim" in forged[0].text.lower() and await _rounds(app) == []

    started = await boss.press(yes)
    assert started[0].text.startswith("C'est lancé : le tour du 16/11 est en préparation")
    ran = await answered_later(app, boss)
    assert "C'est parti pour le tour du 16/11 : 1 rencontre" in ran.text
    assert await _rounds(app) == ["2026-W47"]
    await boss.press(yes)  # the same confirmation pressed twice
    assert "entre-temps" in (await answered_later(app, boss)).text
    stale = await boss.press(Button("x", "mm.adm", "go:2026-W40"))
    assert "n'est plus celui qui est dû" in stale[0].text
    async with app.db.session() as session:
        proposals = (await session.execute(select(func.count()).select_from(OutboxMessage)
                                           .where(OutboxMessage.purpose == "mm.proposal"))).scalar_one()
    assert proposals == 2 and await _rounds(app) == ["2026-W47"]


async def test_preview_in_chat_names_venues_and_rephrases_need_offer(app, net, memory):
    await net.member("Ethan", "fabrique", offers="3d-printing")
    await net.member("Rose", "hangar", needs="3d-printing")
    boss = memory.user("animator", "Boss", language="fr")
    await boss.send("/appariement apercu")
    shown = await answered_later(app, boss)
    # Never scheduled before: the 16/11 round will not be caught up, the preview is the coming one.
    assert shown.title == "Aperçu du tour du 30/11 (rien n'est envoyé)"
    assert "• Ethan (La Fabrique) et Rose (Le Hangar)" in shown.text
    assert "Rose cherche « Impression 3D » ; Ethan le propose" in shown.text
    assert "2026-W47" not in shown.text and "fabrique)" not in shown.text


def _doc(unmatched: list[tuple[str, str]]) -> dict:
    return {"period": "2026-W47", "candidates": 12, "stats": {"coverage": 0.25},
            "introductions": [{"members": [{"id": 1, "name": "Ana", "venue": "fabrique"},
                                           {"id": 2, "name": "Hugo", "venue": None}], "score": 14.0, "reasons": []}],
            "unmatched": [{"id": 10 + i, "name": name, "reason": reason} for i, (name, reason) in enumerate(unmatched)]}


def test_people_left_out_are_summed_up_by_reason_in_chat_and_listed_in_the_cli():
    t = Translator("fr")
    doc = _doc([(f"P{i}", "odd_one_out") for i in range(8)] + [("Solo", "weak_best_match")])
    chat = preview.as_text(doc, t, limit=8, name="tour du 16/11", venues={"fabrique": "La Fabrique"})
    assert "Pour le tour du 16/11 : 12 candidat·es, 1 rencontre" in chat
    assert "• Ana (La Fabrique) et Hugo (sans lieu)" in chat
    assert "Sans rencontre ce tour-ci (9) :" in chat
    assert ("• 8 personnes dont les partenaires possibles étaient déjà pris (prioritaires au prochain tour) : "
            "P0, P1, P2, P3, P4 et 3 autres") in chat
    assert "• 1 personne sans rencontre assez bonne (mieux vaut attendre) : Solo" in chat
    cli = preview.as_text(doc, t)
    assert "Pour le tour 2026-W47" in cli and "• P7 : ses partenaires possibles étaient déjà pris" in cli
    assert len(cli.splitlines()) == 12


def test_numbers_round_names_and_plural_tables():
    fr, en = Translator("fr"), Translator("en")
    assert (number(0.0, fr), number(2.25, en)) == ("0,0", "2.2")
    fire = datetime(2026, 11, 19, 9, tzinfo=timezone.utc)
    assert round_name("2026-W47", fr, fire, "Europe/Paris") == "tour du 19/11"
    assert round_name("2026-W47", en) == "round of the week of 16/11"
    assert fr("matchmaking.admin.every_weeks", count=2) == "toutes les 2 semaines"
    assert en("matchmaking.admin.every_weeks", count=1) == "every week"
    assert fr("matchmaking.admin.rounds", count=0) == "0 tour"


async def test_stats_in_chat_use_plurals_and_a_decimal_comma(app, memory):
    boss = memory.user("animator", "Boss", language="fr")
    stats = (await boss.send("/appariement stats"))[0]
    assert stats.text.startswith("Dernier trimestre : 0 tour, 0 rencontre.")
    assert "0,0 messages par membre" in stats.text


async def test_typos_are_forgiven_and_said(app, net):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    reply = await ana.user.send("/rencontres mensul")
    assert reply[0].text.startswith("(J'ai compris « mensuel ».)\nC'est enregistré.")
    off = await ana.user.send("/rencontres desactive")
    assert "désactiver" in off[0].text and "Rencontres : désactivées" in off[0].text
    assert "Je ne connais pas « of »" in (await ana.user.send("/rencontres of"))[0].text
    async with app.db.session() as session:
        member = await session.get(Member, ana.id)
        assert (member.cadence, member.intro_opt_in) == ("monthly", False)
    assert resolve_word("hebdo") == ("hebdo", False)
    assert resolve_word("zzzzzz") == (None, False)


async def test_a_pause_while_introductions_are_off_says_they_are_off(app, net):
    off = await net.member("Off", "fabrique", opt_in=False)
    on = await net.member("On", "hangar")
    said = (await off.user.send("/rencontres pause 15/01"))[0].text
    assert said == "C'est noté : pause jusqu'au 15/01/2027. Les rencontres sont désactivées ; pour les activer : /rencontres on."
    assert "reprendront toutes seules" in (await on.user.send("/rencontres pause 15/01"))[0].text


async def test_panel_names_languages_groups_choices_and_says_saved_first(app, net):
    ana = await net.member("Ana", "fabrique", languages="fr en")
    panel = (await ana.user.send("/rencontres"))[0]
    assert "Langues : Français, English" in panel.text
    assert [b.label for b in panel.all_buttons()] == ["Désactiver", "Pause…", "Rythme…", "Lieux…", "Rencontre…",
                                                      "Jamais avec…", "Langues…", "Présente-moi quelqu'un"]
    menu = (await ana.user.press("Rythme…"))[0]
    assert [b.label for b in menu.all_buttons()] == ["Chaque semaine", "Toutes les 2 semaines", "Chaque mois", "Retour"]
    saved = (await ana.user.press("Chaque mois"))[0]
    assert saved.text.startswith("C'est enregistré.\n\nTes rencontres\n") and "Rythme : Chaque mois" in saved.text
    await ana.user.press("Lieux…")
    back = (await ana.user.press("Retour"))[0]
    assert back.title == "Tes rencontres" and len(back.all_buttons()) == 8


@pytest.mark.parametrize(("phrase", "expected"), [
    ("tous les lundis 10h", ("0 10 * * mon", 1)),
    ("every monday 10am", ("0 10 * * mon", 1)),
    ("un lundi sur deux 10h", ("0 10 * * mon", 2)),
    ("every other Friday at 3 pm", ("0 15 * * fri", 2)),
    ("toutes les 3 semaines le mercredi à 9h30", ("30 9 * * wed", 3)),
    ("le jeudi", ("0 10 * * thu", 1)),
    ("tous les lundis sauf en août", None),
    ("10h", None),
    ("lundi 10h et 14h", None),
])
def test_schedules_in_words(phrase, expected):
    assert parse_schedule(phrase) == expected


def test_a_cron_firing_twice_in_a_week_is_refused():
    start = datetime(2026, 11, 25, tzinfo=timezone.utc)
    assert "more than once in the same week" in cron_problem("0 10 * * mon,thu", "Europe/Paris", start)
    assert "more than once" in cron_problem("0 10 1,2 * *", "Europe/Paris", start)  # 1 and 2 December
    assert "more than once" in cron_problem("* * * * *", "UTC", start)
    assert cron_problem("0 10 * * mon", "Europe/Paris", start) is None
    assert cron_problem("0 10 1 * *", "Europe/Paris", start) is None
    assert any("more than once" in p for p in MatchmakingConfig(cron="0 10 * * mon,thu").problems())


async def test_schedule_in_chat_takes_words_and_refuses_two_rounds_a_week(app, memory):
    boss = memory.user("animator", "Boss", language="fr")
    twice = (await boss.send("/appariement calendrier 0 10 * * mon,thu"))[0].text
    assert "plusieurs fois la même semaine (30/11 10:00 et 03/12 10:00)" in twice
    async with app.db.session() as session:
        assert await session.get(MatchSchedule, 1) is None
    saved = (await boss.send("/appariement calendrier un lundi sur deux 10h"))[0].text
    assert "« 0 10 * * mon », toutes les 2 semaines" in saved
    assert "Prochains tours : 30/11 10:00, 14/12 10:00, 28/12 10:00." in saved
    assert "chaque semaine" in (await boss.send("/appariement calendrier tous les lundis 10h"))[0].text
    assert "Je ne comprends pas" in (await boss.send("/appariement calendrier n'importe quand"))[0].text
    async with app.db.session() as session:
        stored = await session.get(MatchSchedule, 1)
        assert (stored.cron, stored.every_weeks) == ("0 10 * * mon", 1)
