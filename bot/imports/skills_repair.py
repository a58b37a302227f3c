"""Folding custom skills that the taxonomy knows after all (`maillage skills repair`).

Members imported before the taxonomy was in the database (issue 19.4) got a custom skill for every
skill they typed: `custom-comptabilite`, `custom-compta`, `custom-accounting` side by side. Each
unmerged custom skill whose label resolves to a canonical skill with confidence (exact, or a clear
fuzzy winner) is merged into it, as an animator would with `maillage skills merge`; ambiguous and
unknown labels stay, for a person to review.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.skills.resolver import MatchStatus, SkillResolver
from storage import member_skills
from storage.models import Skill


@dataclass(frozen=True)
class Fold:
    custom_slug: str
    label: str
    target_slug: str
    moved: int  # member links moved (0 in a dry run)


async def repair_custom_skills(session: AsyncSession, *, dry_run: bool = False) -> list[Fold]:
    """Merge every custom skill whose label the taxonomy resolves with confidence; returns the folds."""
    taxonomy_only = SkillResolver()  # the packaged taxonomy, without the custom skills themselves
    customs = (await session.execute(select(Skill).where(Skill.custom.is_(True), Skill.merged_into_id.is_(None))
                                     .order_by(Skill.slug))).scalars().all()
    folds = []
    for custom in customs:
        resolution = taxonomy_only.resolve(custom.label_fr, "fr")
        if resolution.status not in (MatchStatus.EXACT, MatchStatus.CONFIDENT):
            resolution = taxonomy_only.resolve(custom.label_fr, "en")
            if resolution.status not in (MatchStatus.EXACT, MatchStatus.CONFIDENT):
                continue
        target = resolution.candidates[0].skill_id
        moved = 0 if dry_run else await member_skills.merge_custom(session, custom.slug, target)
        folds.append(Fold(custom.slug, custom.label_fr, target, moved))
    return folds
