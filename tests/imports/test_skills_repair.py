"""Issue 19.4: custom skills made while the taxonomy was missing are folded into it by
`maillage skills repair`; members keep one link each, unknown labels stay custom."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.cli import main
from storage import member_skills
from storage.db import Database
from storage.models import Member, MemberSkill, Skill

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _in_database(url: str, work):
    async def go():
        db = Database(url)
        try:
            async with db.session() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


async def _member_with_customs(session, labels: list[str]) -> int:
    member = Member(display_name="Ana", claim_code="CODE-REPAIR-1")
    session.add(member)
    await session.flush()
    for label in labels:
        skill = Skill(slug=f"custom-{label.replace(' ', '-')}", label_fr=label, label_en=label,
                      category="custom", custom=True, created_at=NOW)
        session.add(skill)
        await session.flush()
        session.add(MemberSkill(member_id=member.id, skill_id=skill.id, kind="offer", created_at=NOW))
    return member.id


def test_repair_folds_what_the_taxonomy_knows_and_keeps_the_rest(config_file, sqlite_url, capsys):
    member_id = _in_database(sqlite_url, lambda s: _member_with_customs(
        s, ["comptabilité", "compta", "xylophonie quantique"]))

    assert main(["--config", config_file, "skills", "repair", "--dry-run"]) == 0
    assert "would fold 2 custom skill(s)" in capsys.readouterr().err
    assert main(["--config", config_file, "skills", "repair"]) == 0
    assert "folded 2 custom skill(s)" in capsys.readouterr().err

    async def offers(session) -> set[str]:
        return {skill.slug for _, skill in await member_skills.member_skills(session, member_id, "offer")}

    assert _in_database(sqlite_url, offers) == {"accounting", "custom-xylophonie-quantique"}
    assert main(["--config", config_file, "skills", "repair"]) == 0
    assert "folded 0 custom skill(s)" in capsys.readouterr().err
