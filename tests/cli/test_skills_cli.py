"""`maillage skills list --custom` and `maillage skills merge`, on a database where members typed
skills the taxonomy did not know."""

from __future__ import annotations


from sqlalchemy import select

from bot.cli import main
from storage import member_skills
from storage.models import Member, MemberSkill, Skill
from storage.skills import sync_taxonomy
from testkit import in_db




async def seed(session) -> None:
    """Two members typed "didgeridoo"; one also offers music already."""
    from datetime import datetime, timezone

    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    await sync_taxonomy(session)
    custom = await member_skills.create_custom_skill(session, "Didgeridoo", now)
    music = await member_skills.skill_by_slug(session, "music")
    ana, bob = Member(display_name="Ana"), Member(display_name="Bob")
    session.add_all([ana, bob])
    await session.flush()
    for member in (ana, bob):
        await member_skills.add_member_skill(session, member.id, "offer", custom, now)
    await member_skills.add_member_skill(session, bob.id, "offer", music, now)


async def links(session) -> list[tuple[str, str]]:
    rows = await session.execute(select(Member.display_name, Skill.slug).join(MemberSkill, MemberSkill.member_id == Member.id)
                                 .join(Skill, Skill.id == MemberSkill.skill_id).order_by(Member.display_name, Skill.slug))
    return [(name, slug) for name, slug in rows]


def test_list_custom_then_merge(config_file, sqlite_url, capsys):
    in_db(sqlite_url, seed)
    assert main(["--config", config_file, "skills", "list", "--custom"]) == 0
    assert "custom-didgeridoo\tDidgeridoo\t2 member(s)" in capsys.readouterr().out
    assert main(["--config", config_file, "skills", "merge", "custom-didgeridoo", "music"]) == 0
    assert "1 member link(s) moved" in capsys.readouterr().out
    assert in_db(sqlite_url, links) == [("Ana", "music"), ("Bob", "music")]
    assert main(["--config", config_file, "skills", "list", "--custom"]) == 0
    assert "didgeridoo" not in capsys.readouterr().out
    assert main(["--config", config_file, "skills", "list", "--custom", "--all"]) == 0
    assert "merged into music" in capsys.readouterr().out


def test_merge_refuses_what_it_cannot_do(config_file, sqlite_url, capsys):
    in_db(sqlite_url, seed)
    for args in (["music", "welding"], ["custom-nothing", "music"], ["custom-didgeridoo", "no-such-skill"],
                 ["custom-didgeridoo", "custom-didgeridoo"]):
        assert main(["--config", config_file, "skills", "merge", *args]) == 1
        assert "skills list --custom" in capsys.readouterr().err
    assert in_db(sqlite_url, links) == [("Ana", "custom-didgeridoo"), ("Bob", "custom-didgeridoo"), ("Bob", "music")]


def test_list_shows_the_taxonomy(config_file, capsys):
    assert main(["--config", config_file, "skills", "list"]) == 0
    out = capsys.readouterr().out
    assert "3d-printing\t" in out and len(out.splitlines()) >= 200
