"""Match figures as people read them (issue 16): a month is a month, French words in a French
network, venues by name on the heatmap, whole-number ticks on its colour bar."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.matchmaking import heatmap, stats
from bot.matchmaking.run import run_round

ROOT = Path(__file__).resolve().parents[2]


async def test_one_round_with_one_message_each_is_one_message_per_member_per_month(app, net, clock):
    await net.member("Ana", "fabrique", needs="3d-printing")
    await net.member("Hugo", "hangar", offers="3d-printing")
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.introductions == 1
    clock.advance(hours=2)
    async with app.db.session() as session:
        _, total = await stats.quarter(session, clock.now())
        labels = await stats.venue_labels(session)
    assert total.as_dict()["messages_per_member_month"] == 1.0  # was 30.0: a day scaled to a month
    assert "La Fabrique" in labels.values() and "Le Hangar" in labels.values()


def test_heatmap_colour_bar_ticks_are_whole_numbers(monkeypatch):
    seen = {}
    real = heatmap.MaxNLocator

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(heatmap, "MaxNLocator", spy)
    png = heatmap.heatmap_png(Counter({(1, 2): 3, (1, 1): 1}), {1: "La Fabrique", 2: "Le Hangar"}, "t")
    assert png.startswith(b"\x89PNG") and seen == {"integer": True}


def test_cli_stats_speak_french_in_a_french_network(tmp_path, sqlite_url):
    config = ('[network]\nname = "N"\ntimezone = "Europe/Paris"\n[[venues]]\nslug = "hangar"\nname = "Le Hangar"\n'
              f'kind = "coworking"\n[database]\nurl = "{sqlite_url}"\n')
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "bot", "--config", str(tmp_path / "config.toml"), "match", *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)

    assert run("--run", "--at", "2026-11-25T10:00").returncode == 0
    shown = run("stats")
    assert shown.returncode == 0, shown.stderr
    assert "Dernier trimestre : 1 tour, 0 rencontre" in shown.stdout
    assert "cross_venue_share" not in shown.stdout and "1 rounds" not in shown.stdout
    as_json = json.loads(run("stats", "--format", "json").stdout)
    assert as_json["quarter"]["rounds"] == 1


def test_feedback_figures_agree_in_number_in_both_languages():
    from bot.i18n import Translator
    from bot.matchmaking.feedback import Summary

    one = Summary(met=1, again_answers=1, again_yes=1, notes=1, called_off=1, one_offs=1)
    two = Summary(met=2, again_answers=2, again_yes=1, notes=2, called_off=0, one_offs=2)
    fr, en = Translator("fr"), Translator("en")
    assert stats.feedback_lines(one, fr, "Europe/Paris") == [
        "Après la rencontre : 1 dit s'être vu·e, 100 % se reverraient (1 réponse), 1 mot ; "
        "1 « Finalement, je ne pourrai pas » ; 1 mise en relation à la demande."]
    assert stats.feedback_lines(two, fr, "Europe/Paris") == [
        "Après la rencontre : 2 disent s'être vu·es, 50 % se reverraient (2 réponses), 2 mots ; "
        "0 « Finalement, je ne pourrai pas » ; 2 mises en relation à la demande."]
    assert stats.feedback_lines(one, en, "Europe/Paris") == [
        "After meeting: 1 said they met, 100% would meet again (1 answer), 1 note; 1 \"I can't make it\"; "
        "1 introduction on request."]
    assert "(2 answers), 2 notes;" in stats.feedback_lines(two, en, "Europe/Paris")[0]
