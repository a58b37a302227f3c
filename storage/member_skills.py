"""Members' skills in the database: resolving free text, adding and removing, custom skills, merges.

A member's offers, needs and interests are `MemberSkill` rows pointing at `Skill` rows: the packaged
taxonomy (synced at start) or custom skills typed by members (`custom=True`) until an animator
merges them into another skill (`merged_into_id`; the custom label then becomes one more name of
the target, so the next person typing it lands on the right skill).

The fuzzy resolver (bot/skills/resolver.py) takes ~0.1 s to index, so it is built once per set of
custom skills and merges (a pure function of them, memoised) and rebuilt only when the custom
skills in the database differ from what it was built with (a cheap query on a small table, run
before each resolution).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.skills.normalize import normalize, sort_key
from bot.skills.resolver import Resolution, SkillResolver
from storage.models import MemberSkill, Skill

log = logging.getLogger(__name__)

KINDS = ("offer", "need", "interest")
MAX_PER_KIND = 30  # offers, needs and interests each: a profile, not a CV
MAX_CUSTOM_LABEL = 60
CUSTOM_PREFIX = "custom-"
# Several skills in one message: "impression 3D, compta; soudure" (commas, semicolons, new lines).
_SEPARATORS = re.compile(r"[,;\n]+")

_Signature = tuple[tuple[int, str, str, int | None], ...]
_MERGE_TARGETS = tuple[tuple[int, str], ...]


class AddOutcome(StrEnum):
    ADDED = "added"
    ALREADY = "already"  # the member already had it: nothing changed
    FULL = "full"  # MAX_PER_KIND reached: nothing changed


@dataclass(frozen=True)
class Added:
    skill: Skill
    outcome: AddOutcome


def split_skills(text: str) -> list[str]:
    """The distinct skill texts in one message, in the order typed."""
    seen: set[str] = set()
    items = []
    for part in _SEPARATORS.split(text):
        part = " ".join(part.split())
        if part and sort_key(part) not in seen:
            seen.add(sort_key(part))
            items.append(part)
    return items


def label_of(skill: Skill, locale: str) -> str:
    return skill.label_en if locale == "en" else skill.label_fr


# -- the resolver ----------------------------------------------------------------------------

async def _custom_signature(session: AsyncSession) -> _Signature:
    rows = await session.execute(select(Skill.id, Skill.slug, Skill.label_fr, Skill.merged_into_id)
                                 .where(Skill.custom.is_(True)).order_by(Skill.id))
    return tuple((id_, slug, label, merged) for id_, slug, label, merged in rows)


async def resolver(session: AsyncSession) -> SkillResolver:
    """The resolver in step with the custom skills and merges in the database (built once per state)."""
    signature = await _custom_signature(session)
    slugs = {id_: slug for id_, slug, _, _ in signature}
    targets: _MERGE_TARGETS = ()
    if any(merged is not None and merged not in slugs for *_, merged in signature):
        wanted = {merged for *_, merged in signature if merged is not None and merged not in slugs}
        rows = await session.execute(select(Skill.id, Skill.slug).where(Skill.id.in_(wanted)).order_by(Skill.id))
        targets = tuple((id_, slug) for id_, slug in rows)
    return _build_resolver(signature, targets)


@lru_cache(maxsize=8)  # a few databases per process at most (the tests); each state built once
def _build_resolver(signature: _Signature, targets: _MERGE_TARGETS) -> SkillResolver:
    slugs = {id_: slug for id_, slug, _, _ in signature} | dict(targets)
    built = SkillResolver()
    for _, slug, label, merged in signature:
        if merged is None:
            try:
                built.add_custom(slug, label)
            except ValueError:  # a label with no meaningful word, or a clash: still listed, not resolvable
                log.warning("custom skill %s (%r) cannot be indexed", slug, label)
    for _, _, label, merged in signature:
        if merged is not None and slugs.get(merged):
            try:
                built.add_alias(slugs[merged], label)
            except KeyError:
                log.warning("merge target %s of %r is not a known skill", slugs[merged], label)
    return built


async def resolve(session: AsyncSession, text: str, locale: str) -> Resolution:
    return (await resolver(session)).resolve(text, locale)


# -- reading ---------------------------------------------------------------------------------

async def skill_by_slug(session: AsyncSession, slug: str) -> Skill | None:
    return (await session.execute(select(Skill).where(Skill.slug == slug))).scalar_one_or_none()


async def live_skill(session: AsyncSession, skill_id: int) -> Skill | None:
    """The skill with this id, or the one it was merged into (merges never chain, see merge_custom)."""
    skill = await session.get(Skill, skill_id)
    if skill is not None and skill.merged_into_id is not None:
        skill = await session.get(Skill, skill.merged_into_id)
    return skill


async def member_skills(session: AsyncSession, member_id: int, kind: str | None = None) -> list[tuple[str, Skill]]:
    """(kind, skill) of a member, oldest first."""
    statement = (select(MemberSkill.kind, Skill).join(Skill, Skill.id == MemberSkill.skill_id)
                 .where(MemberSkill.member_id == member_id).order_by(MemberSkill.created_at, Skill.id))
    if kind is not None:
        statement = statement.where(MemberSkill.kind == kind)
    return [(k, skill) for k, skill in await session.execute(statement)]


async def count_skills(session: AsyncSession, member_id: int, kind: str) -> int:
    return (await session.execute(select(func.count()).select_from(MemberSkill).where(
        MemberSkill.member_id == member_id, MemberSkill.kind == kind))).scalar_one()


# -- writing ---------------------------------------------------------------------------------

async def add_member_skill(session: AsyncSession, member_id: int, kind: str, skill: Skill, now: datetime) -> AddOutcome:
    if kind not in KINDS:
        raise ValueError(f"unknown skill kind {kind!r}")
    key = (member_id, skill.id, kind)
    if await session.get(MemberSkill, key) is not None:
        return AddOutcome.ALREADY
    if await count_skills(session, member_id, kind) >= MAX_PER_KIND:
        return AddOutcome.FULL
    session.add(MemberSkill(member_id=member_id, skill_id=skill.id, kind=kind, created_at=now))
    await session.flush()
    return AddOutcome.ADDED


async def remove_member_skill(session: AsyncSession, member_id: int, kind: str, skill_id: int) -> bool:
    # Deleted through the ORM (not a bulk DELETE) so the directory index sees one member changed,
    # instead of rebuilding itself whole.
    row = await session.get(MemberSkill, (member_id, skill_id, kind))
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


def custom_label_problem(label: str) -> str | None:
    """Why `label` cannot be a custom skill ("empty", "too_long"), or None."""
    if not sort_key(label):
        return "empty"
    if len(label) > MAX_CUSTOM_LABEL:
        return "too_long"
    return None


async def create_custom_skill(session: AsyncSession, label: str, now: datetime) -> Skill:
    """A new custom skill named `label` (typed by a member), or the existing one with the same words."""
    label = " ".join(label.split())
    if custom_label_problem(label):
        raise ValueError(f"not a skill label: {label!r}")
    key = sort_key(label)
    for row in (await session.execute(select(Skill).where(Skill.custom.is_(True)))).scalars():
        if sort_key(row.label_fr) == key:
            return await live_skill(session, row.id) or row
    base = CUSTOM_PREFIX + ("-".join(normalize(label).split()) or "skill")[:60].strip("-")
    for n in range(1, 1000):
        slug = base if n == 1 else f"{base}-{n}"
        if await skill_by_slug(session, slug) is not None:
            continue
        skill = Skill(slug=slug, label_fr=label, label_en=label, category="custom", custom=True, created_at=now)
        try:
            async with session.begin_nested():  # two members typing the same new skill at once
                session.add(skill)
        except IntegrityError:
            continue
        return skill
    raise RuntimeError(f"no free slug for custom skill {label!r}")


async def merge_custom(session: AsyncSession, custom_slug: str, target_slug: str) -> int:
    """Move every member's link from a custom skill to `target_slug`; returns how many moved.

    Members who already had the target keep one link. The custom row stays, marked merged, so its
    label keeps resolving to the target. Skills previously merged into the custom one follow it:
    merges never chain.
    """
    custom = await skill_by_slug(session, custom_slug)
    target = await skill_by_slug(session, target_slug)
    if custom is None or not custom.custom:
        raise LookupError(f"no custom skill {custom_slug!r}")
    if custom.merged_into_id is not None:
        raise LookupError(f"{custom_slug!r} is already merged")
    if target is None or target.merged_into_id is not None or target.id == custom.id:
        raise LookupError(f"no skill {target_slug!r} to merge into")
    twin = aliased(MemberSkill)
    has_target = exists().where(and_(twin.member_id == MemberSkill.member_id, twin.kind == MemberSkill.kind,
                                     twin.skill_id == target.id))
    await session.execute(delete(MemberSkill).where(MemberSkill.skill_id == custom.id, has_target)
                          .execution_options(synchronize_session=False))
    moved = await session.execute(update(MemberSkill).where(MemberSkill.skill_id == custom.id)
                                  .values(skill_id=target.id).execution_options(synchronize_session=False))
    await session.execute(update(Skill).where(Skill.merged_into_id == custom.id).values(merged_into_id=target.id))
    custom.merged_into_id = target.id
    await session.flush()
    return moved.rowcount or 0


async def custom_skills(session: AsyncSession, *, include_merged: bool = False) -> list[tuple[Skill, int]]:
    """Custom skills with how many members use each, most used first."""
    users = func.count(MemberSkill.member_id)
    statement = (select(Skill, users).outerjoin(MemberSkill, MemberSkill.skill_id == Skill.id)
                 .where(Skill.custom.is_(True)).group_by(Skill.id).order_by(users.desc(), Skill.slug))
    if not include_merged:
        statement = statement.where(Skill.merged_into_id.is_(None))
    return [(skill, count) for skill, count in await session.execute(statement)]
