"""/introductions settings (with bad input), pauses that end by themselves, /forget, and the animators' side."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from bot.matchmaking.run import prepare, run_round
from jobs.matchmaking import housekeeping
from storage.models import Member
from storage.models.matchmaking import Introduction, IntroductionMember, IntroPreferences, MatchSchedule, MatchScheduling
from tests.testkit import answered_later

ROOT = Path(__file__).resolve().parents[3]


async def test_settings_by_words_and_bad_input(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    panel = await ana.user.send("/rencontres")
    assert "Rencontres : activées" in panel[0].text
    assert "quinzaine" in (await ana.user.send("/rencontres rythme tous-les-jours"))[0].text
    assert "mensuel" in (await ana.user.send("/rencontres n'importe quoi"))[0].text
    assert "15/01" in (await ana.user.send("/rencontres pause au pays des merveilles"))[0].text
    assert "déjà passé" in (await ana.user.send("/rencontres pause 12/11"))[0].text
    await ana.user.send("/rencontres mensuel")
    await ana.user.send("/rencontres langues fr espagnol")
    assert "klingon" in (await ana.user.send("/rencontres langues klingon"))[0].text
    async with app.db.session() as session:
        member = await session.get(Member, ana.id)
        prefs = await session.get(IntroPreferences, ana.id)
        assert (member.cadence, prefs.languages, member.paused_until) == ("monthly", ["fr", "es"], None)


async def test_paused_and_opted_out_members_are_never_proposed_and_a_pause_ends_once(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    await net.member("Hugo", "hangar", offers="3d-printing")
    await net.member("Off", "moulin", offers="3d-printing", opt_in=False)
    reply = await ana.user.send("/rencontres pause 2/12")
    assert "02/12/2026" in reply[0].text
    async with app.db.session() as session:
        prepared = await prepare(session, app.config, clock.now())
    assert [c.name for c in prepared.pool.candidates] == ["Hugo"]
    clock.advance(days=7)  # 2 December, 10:00 Paris: the pause is over
    await housekeeping(app, clock.now())
    await housekeeping(app, clock.now())
    await app.dispatcher.drain()
    assert len(ana.inbox("pause est finie")) == 1


async def test_never_with_is_hard_and_private(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    await net.member("Hugo Martin", "hangar", offers="3d-printing")
    await net.member("Hidden", "hangar", offers="3d-printing", visibility="private")
    assert "Hugo Martin" in (await ana.user.send("/rencontres jamais hugo martin"))[0].text
    assert "Je ne trouve personne" in (await ana.user.send("/rencontres jamais Hidden"))[0].text
    outcome = await run_round(app.db, app.config, clock.now())
    assert outcome.introductions == 1  # Ana with Hidden only: Hugo is ruled out
    async with app.db.session() as session:
        members = set((await session.execute(select(IntroductionMember.member_id))).scalars())
    assert ana.id in members and len(members) == 2
    assert "n'est plus" in (await ana.user.send("/rencontres retirer hugo"))[0].text


async def test_a_forged_never_with_button_reveals_no_name(app, net, clock):
    from bot.types import Button

    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hidden = await net.member("Hidden Person", "hangar", offers="3d-printing", visibility="private")
    reply = (await ana.user.press(Button("x", "mm.set", f"-{hidden.id}")))[0]
    assert "Hidden Person" not in reply.text


async def test_forget_cancels_pending_introductions_and_keeps_anonymous_counts(app, net, clock):
    ana = await net.member("Ana", "fabrique", needs="3d-printing")
    hugo = await net.member("Hugo", "hangar", offers="3d-printing")
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    await hugo.user.press(hugo.inbox()[0].reply.all_buttons()[0])
    await ana.user.send("/oublier")
    await ana.user.press("Oui")
    # Erasers get no clock (the foundation calls erase(session, member)): their rows are stamped with
    # the system time, so the manual clock catches up before delivery.
    clock.set(datetime.now(timezone.utc) + timedelta(minutes=1))
    await app.dispatcher.drain()
    [neutral] = hugo.inbox("Pas de mise en relation cette fois-ci")  # nameless: it outlives her /forget
    assert "Ana" not in neutral.text
    async with app.db.session() as session:
        intro = (await session.execute(select(Introduction))).scalar_one()
        slots = list((await session.execute(select(IntroductionMember.member_id))).scalars())
    assert intro.status == "cancelled" and intro.reasons == [] and intro.cross_venue and sorted(slots, key=str) == [hugo.id, None]


async def test_animators_preview_run_stats_and_schedule_in_chat(app, net, clock, memory):
    async with app.db.session() as session:  # scheduling since before the 16/11 round: it is still due
        session.add(MatchScheduling(since=clock.now() - timedelta(days=30)))
    await net.member("Ana", "fabrique", needs="3d-printing")
    await net.member("Hugo", "hangar", offers="3d-printing")
    boss = memory.user("animator", "Boss", language="en")
    assert "Preparing the preview of the round of 16/11" in (await boss.send("/matchmaking preview"))[0].text
    shown = await answered_later(app, boss)
    assert "Ana (La Fabrique) and Hugo (Le Hangar)" in shown.text and "round of 16/11" in shown.title
    zed = await net.member("Zed", None, opt_in=False)
    refused = await zed.user.send("/appariement lancer")
    assert "anim" in refused[0].text.lower()
    await boss.send("/matchmaking run")
    confirm = await answered_later(app, boss)
    assert "Run the round of 16/11? 1 introduction, 2 messages sent now." == confirm.text
    await boss.press(boss.find_button("Yes, run it", [confirm]))
    assert "1 introduction" in (await answered_later(app, boss)).text
    assert "already ran" in (await boss.send("/matchmaking run"))[0].text
    stats = (await boss.send("/matchmaking stats"))[0]
    assert stats.attachment is not None and stats.attachment.content.startswith(b"\x89PNG")
    assert "Last quarter: 1 round, 1 introduction." in stats.text
    assert "I don't understand" in (await boss.send("/matchmaking schedule 0 99 * * mon"))[0].text
    saved = await boss.send("/matchmaking schedule 0 9 * * fri 1")
    assert "Schedule saved" in saved[0].text and "set in chat" in saved[0].text
    async with app.db.session() as session:
        assert (await session.get(MatchSchedule, 1)).cron == "0 9 * * fri"
    assert "configuration" in (await boss.send("/matchmaking schedule reset"))[0].text


def test_cli_dry_run_json_then_run(tmp_path, sqlite_url):
    config = ('[network]\nname = "N"\ntimezone = "Europe/Paris"\n[[venues]]\nslug = "hangar"\nname = "Le Hangar"\n'
              f'kind = "coworking"\n[database]\nurl = "{sqlite_url}"\n')
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "bot", "--config", str(tmp_path / "config.toml"), "match", *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)

    dry = run("--dry-run", "--at", "2026-11-25T10:00", "--format", "json", "--lang", "en")
    assert dry.returncode == 0, dry.stderr
    document = json.loads(dry.stdout)
    assert set(document) == {"period", "candidates", "introductions", "unmatched", "stats"}
    assert document["period"] == "2026-W47" and document["candidates"] == 0
    text = run("--dry-run", "--at", "2026-11-25T10:00")  # named as the chat names it, with the period id
    assert text.stdout.startswith("Pour le tour du 16/11 (2026-W47) : 0 candidat·es"), text.stdout
    done = run("--run", "--at", "2026-11-25T10:00")
    assert done.returncode == 0 and "2026-W47" in done.stdout
    again = run("--run", "--at", "2026-11-25T10:00")
    assert "already ran" in again.stdout
    stats = run("stats", "--png", str(tmp_path / "h.png"))
    assert stats.returncode == 0 and (tmp_path / "h.png").read_bytes().startswith(b"\x89PNG")
    assert run("--run", "--at", "someday").returncode == 2
