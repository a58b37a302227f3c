"""Issue 17: an animator excludes a member from introductions after a complaint (stored, audited)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.cli import main
from bot.matchmaking.run import prepare
from storage.models import Member
from storage.models.matchmaking import MatchExclusion
from testkit import in_db
from tests.matchmaking.followup_kit import introductions, pair


async def test_exclude_then_include_in_chat_with_an_audit_line_and_a_stored_row(app, net, clock, memory, caplog):
    ana, hugo = await pair(net)
    boss = memory.user("animator", "Boss", language="fr")
    caplog.set_level(logging.INFO, logger="maillage.audit")
    [done] = await boss.send("/appariement exclure Hugo : plainte reçue le 02/12")
    assert "Hugo est écarté·e" in done.text
    assert any("excluded member %d" % hugo.id in r.getMessage() and r.name == "maillage.audit" for r in caplog.records)
    [listed] = await boss.send("/appariement exclus")
    assert "1 membre écarté" in listed.text and "Hugo" in listed.text and "plainte reçue le 02/12" in listed.text
    [twice] = await boss.send("/appariement exclure Hugo")
    assert "déjà écarté" in twice.text
    # Left out of rounds, and of one-offs, asked by him or by anyone else.
    async with app.db.read_session() as session:
        prepared = await prepare(session, app.config, clock.now())
    assert hugo.id not in {c.member_id for c in prepared.pool.candidates}
    [held] = await hugo.user.send("/introductions now")
    assert "on hold" in held.text
    [nobody] = await ana.user.send("/rencontres maintenant")
    assert "personne de nouveau" in nobody.text and await introductions(app) == []
    # Back in.
    caplog.clear()
    [back] = await boss.send("/appariement inclure Hugo")
    assert "revient" in back.text
    assert any("included member %d" % hugo.id in r.getMessage() for r in caplog.records)
    assert "Personne" in (await boss.send("/appariement exclus"))[0].text
    [sent] = await ana.user.send("/rencontres maintenant")
    assert "Hugo" in sent.text


async def test_exclusion_needs_an_animator_and_one_exact_member(app, net, memory, caplog):
    ana, _ = await pair(net)
    await net.member("Hugues", "moulin")
    caplog.set_level(logging.INFO, logger="maillage.audit")
    [refused] = await ana.user.send("/appariement exclure Hugo")
    assert "anim" in refused.text.lower()
    assert any(r.name == "maillage.audit" and "refused" in r.getMessage() for r in caplog.records)
    boss = memory.user("animator", "Boss", language="en")
    # The start of a name is a suggestion, never an exclusion (the demo's "exclure Sara" left out Sarah).
    suggested = (await boss.send("/matchmaking exclude hug"))[0].text
    assert 'Nobody is called exactly "hug"' in suggested and "Hugo" in suggested and "Hugues" in suggested
    await net.member("Léna François", "moulin")
    assert "Léna François is left out" in (await boss.send("/matchmaking exclude lena  FRANCOIS"))[0].text
    await net.member("Hugues", "hangar")
    assert "Several members match" in (await boss.send("/matchmaking exclude hugues"))[0].text
    assert "No member matches" in (await boss.send("/matchmaking exclude Nobody"))[0].text
    assert "Say who" in (await boss.send("/matchmaking exclude"))[0].text
    assert "was not left out" in (await boss.send("/matchmaking include Ana"))[0].text
    async with app.db.session() as session:
        excluded = (await session.execute(select(Member.display_name).join(
            MatchExclusion, MatchExclusion.member_id == Member.id))).scalars().all()
    assert excluded == ["Léna François"], "only the one named exactly"


def test_cli_exclude_and_include(config_file, sqlite_url, capsys, caplog):
    async def seed(session):
        session.add(Member(display_name="Hugo Martin", intro_opt_in=True))

    in_db(sqlite_url, seed)
    caplog.set_level(logging.INFO, logger="maillage.audit")
    assert main(["--config", config_file, "match", "exclude", "Hugo Martin", "--reason", "complaint"]) == 0
    assert "Hugo Martin is left out of introductions" in capsys.readouterr().out
    assert any("cli" in r.getMessage() and "excluded" in r.getMessage() for r in caplog.records)

    async def read(session):
        return [(row.reason, row.by_id) for row in (await session.execute(select(MatchExclusion))).scalars()]

    assert in_db(sqlite_url, read) == [("complaint", None)]
    assert main(["--config", config_file, "match", "include", "Hugo Martin"]) == 0
    assert "back in introductions" in capsys.readouterr().out
    assert in_db(sqlite_url, read) == []
    assert main(["--config", config_file, "match", "include", "Nobody"]) == 1
    assert main(["--config", config_file, "match", "exclude"]) == 2
