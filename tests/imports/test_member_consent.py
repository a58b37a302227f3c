"""Issue 15: `maillage import members` with a `consent` column and `--consent-source`: the date and
source stored per member, shown in /mydata, erased by /forget; the person can still claim."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.imports.members import check, consent_source_problem, parse, write
from storage.models import Member
from storage.models.operator import ImportConsent

FILE = """name,venue,offers,visibility,introductions,consent
Ana Martin,hangar,comptabilité,network,oui,2026-03-15
Bob,fabrique,soudure,venue,non,
"""


def test_consent_dates_are_checked_with_their_line():
    rows, problems = parse("name,venue,consent\nAna,hangar,15/03/2026\nBob,hangar,2999-01-01\nCléo,hangar,\n")
    assert problems == ["line 2: consent: '15/03/2026' is not a date like 2026-03-15",
                        "line 3: consent: 2999-01-01 is in the future"]
    assert [row.consent for row in rows] == [None]


def test_a_consent_date_requires_a_source():
    rows, _ = parse(FILE)
    assert "--consent-source" in consent_source_problem(rows, None)
    assert "--consent-source" in consent_source_problem(rows, "   ")
    assert consent_source_problem(rows, "adhésion 2026") is None
    assert consent_source_problem(parse("name,venue\nAna,hangar\n")[0], None) is None  # no column: as before


async def test_consent_is_stored_per_member_and_shown_in_mydata(any_app, memory, clock):
    app = any_app
    rows, problems = parse(FILE)
    async with app.db.session() as session:
        plan = await check(session, rows, problems)
        with pytest.raises(ValueError):
            await write(session, plan, clock.now())  # no source: refused, nothing written
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0
    async with app.db.session() as session:
        plan = await check(session, rows, problems)
        created = await write(session, plan, clock.now(), consent_source="adhésion 2026 (formulaire papier)")
    codes = {member.display_name: code for member, code in created}
    async with app.db.session() as session:
        ana = (await session.execute(select(Member).where(Member.display_name == "Ana Martin"))).scalar_one()
        bob = (await session.execute(select(Member).where(Member.display_name == "Bob"))).scalar_one()
        assert ana.consent_at is not None and ana.consent_at.date().isoformat() == "2026-03-15"
        assert bob.consent_at is None  # no date: an unclaimed profile, out of the directory, as before
        stored = await session.get(ImportConsent, ana.id)
        assert stored.source == "adhésion 2026 (formulaire papier)" and await session.get(ImportConsent, bob.id) is None

    person = memory.user("42", "Ana")
    await person.send(f"/start {codes['Ana Martin']}")
    [reply] = await person.send("/mydata")
    document = json.loads(reply.attachment.content)
    assert document["import_consent"]["agreed_on"] == "2026-03-15"
    assert document["import_consent"]["source"] == "adhésion 2026 (formulaire papier)"

    await person.send("/oublier")
    await person.press(next(b for b in person.last[0].all_buttons() if b.payload == "yes"))
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(ImportConsent))).scalar_one() == 0


def test_cli_refuses_consent_dates_without_a_source_and_writes_nothing(tmp_path, config_file, sqlite_url, capsys):
    path = tmp_path / "members.csv"
    path.write_text(FILE, encoding="utf-8")
    assert main(["--config", config_file, "import", "members", str(path)]) == 2
    assert "--consent-source" in capsys.readouterr().err
    assert main(["--config", config_file, "import", "members", str(path), "--consent-source", "adhésion 2026"]) == 0
    out = capsys.readouterr().out
    assert "1 member(s) with consent from 'adhésion 2026'" in out and "imported 2 member(s)" in out


def test_a_huge_field_is_refused_with_its_line(tmp_path, config_file, capsys):
    path = tmp_path / "members.csv"
    path.write_text('name,venue,offers\nAna,hangar,x\nBob,hangar,"' + "y" * 200_000 + '"\n', encoding="utf-8")
    assert main(["--config", config_file, "import", "members", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 3: a value is longer than 128 KiB" in err and "Traceback" not in err
