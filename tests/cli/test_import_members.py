"""Member import: pure parsing, the all-or-nothing write, claim codes, and the CLI around them."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.cli import main
from bot.imports.members import check, parse, write
from storage.models import Identity, Member, MemberSkill, Skill

GOOD = """name,venue,offers,needs,interests,languages,visibility,introductions,cadence,identities
Ana Martin,hangar,impresion 3d;comptabilitée,soudure,permaculture,fr;en,network,yes,weekly,telegram:111
Bob,fabrique,Travail du bois;xylophonie quantique,,,fr,venue,non,mensuel,
"""

BAD = """name,venue,offers,needs,interests,languages,visibility,introductions,cadence
Ana,hangar,impression 3d,,,fr,network,yes,weekly
,nowhere,,,,de,secret,maybe,daily
Cleo,atlantis,,,,fr,private,no,monthly
"""


def test_parse_reports_every_problem_with_its_line():
    rows, problems = parse(BAD)
    assert [row.name for row in rows] == ["Ana", "Cleo"]
    assert "line 3: name is empty" in problems
    assert any(p.startswith("line 3: languages") for p in problems)
    assert any(p.startswith("line 3: visibility") for p in problems)
    assert any(p.startswith("line 3: introductions") for p in problems)
    assert any(p.startswith("line 3: cadence") for p in problems)


def test_parse_checks_columns_and_limits():
    assert parse("nom,lieu\nAna,hangar\n")[1][0].startswith("line 1: missing column(s): name, venue")
    rows, problems = parse("name,venue,offers\nAna,hangar," + ";".join(f"s{n}" for n in range(31)) + "\n")
    assert rows == [] and problems == ["line 2: offers: 31 items, at most 30"]
    assert parse("name,venue\n")[1] == ["the file has no member rows"]


async def test_a_bad_file_writes_nothing(app):
    rows, problems = parse(BAD)
    async with app.db.session() as session:
        plan = await check(session, rows, problems)
    assert any(p.startswith("line 4: unknown venue 'atlantis'") for p in plan.problems)
    async with app.db.session() as session:
        assert (await session.execute(select(func.count()).select_from(Member))).scalar_one() == 0


async def test_a_good_file_creates_members_with_resolved_skills_and_claim_codes(app, clock):
    rows, problems = parse(GOOD)
    assert problems == []
    async with app.db.session() as session:
        plan = await check(session, rows)
        assert plan.problems == []
        assert any("xylophonie quantique" in note and "custom" in note for note in plan.notes)
        created = await write(session, plan, clock.now())
    codes = [code for _, code in created]
    assert len(set(codes)) == 2 and all(len(code) >= 16 for code in codes)  # 96 random bits each
    async with app.db.session() as session:
        ana = (await session.execute(select(Member).where(Member.display_name == "Ana Martin"))).scalar_one()
        assert (ana.visibility, ana.intro_opt_in, ana.cadence, ana.languages) == ("network", True, "weekly", ["fr", "en"])
        slugs = {(kind, slug) for kind, slug in await session.execute(
            select(MemberSkill.kind, Skill.slug).join(Skill).where(MemberSkill.member_id == ana.id))}
        assert {("offer", "3d-printing"), ("offer", "accounting")} <= slugs
        identity = (await session.execute(select(Identity).where(Identity.platform_user_id == "111"))).scalar_one()
        assert identity.member_id == ana.id
        bob = (await session.execute(select(Member).where(Member.display_name == "Bob"))).scalar_one()
        assert (bob.visibility, bob.intro_opt_in, bob.cadence) == ("venue", False, "monthly")
    # Importing the same file again is refused: they are already there, unclaimed.
    async with app.db.session() as session:
        again = await check(session, parse(GOOD)[0])
    assert any("already" in p for p in again.problems)


def _config(tmp_path, url: str):
    path = tmp_path / "config.toml"
    path.write_text(f'[network]\nname = "Test"\n\n[database]\nurl = "{url}"\n', encoding="utf-8")
    return str(path)


async def _members(app) -> int:
    async with app.db.session() as session:
        return (await session.execute(select(func.count()).select_from(Member))).scalar_one()


async def test_cli_dry_run_then_import_then_codes(app, sqlite_url, tmp_path, capsys):
    config = _config(tmp_path, sqlite_url)
    good = tmp_path / "members.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert await _run(["--config", config, "import", "members", str(good), "--dry-run"]) == 0
    assert "2 member(s) would be imported" in capsys.readouterr().out
    assert await _members(app) == 0
    assert await _run(["--config", config, "import", "members", str(good)]) == 0
    assert await _members(app) == 2
    capsys.readouterr()
    assert await _run(["--config", config, "members", "codes"]) == 0
    listed = capsys.readouterr().out
    assert "Ana Martin" in listed and "hangar" in listed
    async with app.db.session() as session:
        codes = set((await session.execute(select(Member.claim_code))).scalars())
    assert all(code in listed for code in codes)


async def test_cli_rejects_a_bad_file_with_line_numbers(app, sqlite_url, tmp_path, capsys):
    config = _config(tmp_path, sqlite_url)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    assert await _run(["--config", config, "import", "members", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "line 3:" in err and "line 4: unknown venue" in err
    assert await _members(app) == 0


async def _run(argv: list[str]) -> int:
    """The CLI runs its own event loop: call it from a worker thread."""
    import asyncio

    return await asyncio.to_thread(main, argv)
