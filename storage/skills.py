"""The skills table, kept in step with the packaged taxonomy (bot/skills/taxonomy.csv)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.skills.taxonomy import Taxonomy, load_taxonomy
from storage.models import Skill


async def sync_taxonomy(session: AsyncSession, taxonomy: Taxonomy | None = None) -> int:
    """Insert the taxonomy's new skills and refresh changed labels; returns how many rows changed."""
    taxonomy = taxonomy or load_taxonomy()
    existing = {row.slug: row for row in (await session.execute(select(Skill).where(Skill.custom.is_(False)))).scalars()}
    changed = 0
    for skill in taxonomy:
        row = existing.get(skill.id)
        if row is None:
            session.add(Skill(slug=skill.id, label_fr=skill.label_fr, label_en=skill.label_en,
                              category=skill.category, custom=False))
            changed += 1
        elif (row.label_fr, row.label_en, row.category) != (skill.label_fr, skill.label_en, skill.category):
            row.label_fr, row.label_en, row.category = skill.label_fr, skill.label_en, skill.category
            changed += 1
    await session.flush()
    return changed
