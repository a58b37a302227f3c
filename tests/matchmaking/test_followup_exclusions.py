"""Issue 17: an animator excludes a member from introductions after a complaint (stored, audited)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select

from bot.cli import main
from bot.matchmaking.run import PROPOSAL, prepare, run_round
from storage.models import Member, OutboxMessage
from storage.models.matchmaking import REFUSED, MatchExclusion
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


async def test_an_excluded_member_can_no_longer_accept_and_the_partner_gets_the_neutral_line(app, net, clock, memory):
    ana, hugo = await pair(net)
    assert (await run_round(app.db, app.config, clock.now())).introductions == 1
    await app.dispatcher.drain()
    hugo_proposal = hugo.inbox()[0]
    await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])
    boss = memory.user("animator", "Boss", language="fr")
    await boss.send("/appariement exclure Hugo : plainte")
    await app.dispatcher.drain()
    [intro] = await introductions(app)
    assert intro.status == "cancelled"
    # His proposal is still on screen: pressing "introduce us" shares nothing.
    [pressed] = await hugo.user.press(hugo_proposal.reply.all_buttons()[0])
    await app.dispatcher.drain()
    assert "ana_t" not in pressed.text and "@" not in pressed.text
    assert ana.inbox("Discord") == [] and hugo.inbox("ana_t") == []
    [neutral] = ana.inbox("Pas de mise en relation avec Hugo")
    assert "Hugo" in neutral.text


async def test_accepting_after_an_exclusion_is_refused_even_if_the_introduction_was_still_open(app, net, clock):
    ana, hugo = await pair(net)
    await run_round(app.db, app.config, clock.now())
    await app.dispatcher.drain()
    await ana.user.press(ana.inbox()[0].reply.all_buttons()[0])
    async with app.db.session() as session:  # the row alone, as a concurrent exclusion would leave it
        session.add(MatchExclusion(member_id=hugo.id, created_at=clock.now()))
    await hugo.user.press(hugo.inbox()[0].reply.all_buttons()[0])
    await app.dispatcher.drain()
    assert ana.inbox("Discord") == [] and hugo.inbox("ana_t") == []
    [intro] = await introductions(app)
    assert intro.status == "cancelled" and {s.member_id: s.response for s in intro.members}[hugo.id] == REFUSED


async def test_excluding_withdraws_the_proposals_still_waiting_for_the_end_of_quiet_hours(app, net, clock, memory):
    ana, hugo = await pair(net)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
    clock.set(saturday)
    await run_round(app.db, app.config, saturday)
    boss = memory.user("animator", "Boss", language="en")
    await boss.send("/matchmaking exclude Hugo")
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
    await app.dispatcher.drain()
    assert ana.inbox("Hugo") == [] and hugo.inbox("Ana") == []
    async with app.db.session() as session:
        statuses = set((await session.execute(select(OutboxMessage.status)
                                              .where(OutboxMessage.purpose == PROPOSAL))).scalars())
    assert statuses == {"cancelled"}


async def test_a_reason_that_would_show_nothing_is_no_reason(app, net, memory):
    await pair(net)
    boss = memory.user("animator", "Boss", language="fr")
    await boss.send("/appariement exclure Hugo : \u3164\u2800")
    async with app.db.session() as session:
        assert [row.reason for row in (await session.execute(select(MatchExclusion))).scalars()] == [None]
    assert "sans raison donnée" in (await boss.send("/appariement exclus"))[0].text


async def test_an_excluded_member_reads_it_in_their_panel_and_is_offered_no_one_off(app, net, memory):
    ana, _ = await pair(net)
    boss = memory.user("animator", "Boss")
    await boss.send("/appariement exclure Ana")
    [panel] = await ana.user.send("/rencontres")
    assert "suspendues pour toi" in panel.text
    assert "Présente-moi quelqu'un" not in [b.label for b in panel.all_buttons()]
    await boss.send("/appariement inclure Ana")
    [panel] = await ana.user.send("/rencontres")
    assert "suspendues" not in panel.text and "Présente-moi quelqu'un" in [b.label for b in panel.all_buttons()]
